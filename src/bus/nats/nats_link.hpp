#pragma once
// The pieces of nats.c every part of the NATS bus shares: the connection (kept alive by deliveries
// that may outlive the bus, so that a late reply or ack fails cleanly), message conversion and
// readable errors.
#include <nats/nats.h>

#include <memory>
#include <string>
#include <string_view>

#include "bus/bus.hpp"

namespace pleb::bus::nats {

// The bus's own header: where a durable request's reply goes, since a JetStream delivery's reply
// subject is its ack subject.
inline constexpr const char* kReplyToHeader = "Pleb-Reply-To";

struct Link {
  natsConnection* connection = nullptr;
  jsCtx* jetstream = nullptr;
  ~Link();
};

struct NatsMsgDeleter {
  void operator()(natsMsg* msg) const { natsMsg_Destroy(msg); }
};
using MsgPtr = std::unique_ptr<natsMsg, NatsMsgDeleter>;

// The status and the library's last error text, e.g. "Timeout: no response within 2000 ms".
std::string describe(natsStatus status);

Result<MsgPtr> make_msg(std::string_view subject, const char* reply, const Message& message,
                        const char* reply_to_header = nullptr);
// Payload and headers, without the bus's own headers.
Message to_message(natsMsg* msg);
std::string header_value(natsMsg* msg, const char* name);

// Publishes on the core connection: buffered while reconnecting, an error when the buffer is full.
Status publish_core(Link& link, natsMsg* msg, std::string_view subject);

}  // namespace pleb::bus::nats
