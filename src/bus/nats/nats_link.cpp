#include "bus/nats/nats_link.hpp"

#include <cstdlib>

namespace pleb::bus::nats {

Link::~Link() {
  if (jetstream) jsCtx_Destroy(jetstream);
  if (connection) natsConnection_Destroy(connection);
}

std::string describe(natsStatus status) {
  std::string text = natsStatus_GetText(status);
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (detail && *detail && last == status && text != detail) text.append(": ").append(detail);
  return text;
}

Result<MsgPtr> make_msg(std::string_view subject, const char* reply, const Message& message,
                        const char* reply_to_header) {
  natsMsg* raw = nullptr;
  const std::string subject_text(subject);
  natsStatus status = natsMsg_Create(&raw, subject_text.c_str(), reply, message.payload.data(),
                                     static_cast<int>(message.payload.size()));
  if (status != NATS_OK) return Result<MsgPtr>::failure("cannot build a NATS message: " + describe(status));
  MsgPtr msg(raw);
  for (const auto& [name, value] : message.headers) {
    status = natsMsgHeader_Add(msg.get(), name.c_str(), value.c_str());
    if (status != NATS_OK)
      return Result<MsgPtr>::failure("cannot add header " + name + ": " + describe(status));
  }
  if (reply_to_header) {
    status = natsMsgHeader_Set(msg.get(), kReplyToHeader, reply_to_header);
    if (status != NATS_OK) return Result<MsgPtr>::failure("cannot add the reply header: " + describe(status));
  }
  return msg;
}

Message to_message(natsMsg* msg) {
  Message message;
  const char* data = natsMsg_GetData(msg);
  if (data) message.payload.assign(data, static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) != NATS_OK) return message;
  for (int i = 0; i < count; ++i) {
    const std::string_view name(keys[i]);
    if (name.starts_with("Pleb-") || name.starts_with("Nats-")) continue;
    const char** values = nullptr;
    int value_count = 0;
    if (natsMsgHeader_Values(msg, keys[i], &values, &value_count) != NATS_OK) continue;
    for (int j = 0; j < value_count; ++j) message.headers.emplace_back(keys[i], values[j]);
    free(values);
  }
  free(keys);
  return message;
}

std::string header_value(natsMsg* msg, const char* name) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg, name, &value) != NATS_OK || value == nullptr) return {};
  return value;
}

Status publish_core(Link& link, natsMsg* msg, std::string_view subject) {
  const natsStatus status = natsConnection_PublishMsg(link.connection, msg);
  switch (status) {
    case NATS_OK:
      return nostr::ok_status();
    case NATS_INSUFFICIENT_BUFFER:
      return nostr::failed("NATS is unreachable and the reconnect buffer is full: message on " +
                           std::string(subject) + " dropped");
    case NATS_MAX_PAYLOAD:
      return nostr::failed("message on " + std::string(subject) +
                           " is larger than the NATS server's maximum payload");
    case NATS_CONNECTION_CLOSED:
      return nostr::failed("bus closed");
    default:
      return nostr::failed("cannot publish on " + std::string(subject) + ": " + describe(status));
  }
}

}  // namespace pleb::bus::nats
