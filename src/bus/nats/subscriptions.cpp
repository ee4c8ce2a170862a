#include "bus/nats/subscriptions.hpp"

#include <chrono>

namespace pleb::bus::nats {
namespace {

constexpr std::int64_t kFetchWaitMs = 500;  // also how long close() may wait for the fetching thread
constexpr auto kRetryPause = std::chrono::milliseconds(100);

// Replies go to the requester's inbox; acks to the JetStream ack subject of the delivery.
class NatsResponder final : public Responder {
 public:
  NatsResponder(std::shared_ptr<Link> link, std::string reply_subject, std::string ack_subject)
      : link_(std::move(link)),
        reply_subject_(std::move(reply_subject)),
        ack_subject_(std::move(ack_subject)) {}

  bool can_reply() const override { return !reply_subject_.empty(); }
  Status reply(Message reply) override {
    auto msg = make_msg(reply_subject_, nullptr, reply);
    if (!msg) return nostr::failed(msg.error());
    return publish_core(*link_, msg->get(), reply_subject_);
  }
  Status ack() override {
    if (ack_subject_.empty()) return nostr::ok_status();
    // What natsMsg_Ack sends, without needing the subscription to still exist.
    static constexpr char kAck[] = "+ACK";
    const natsStatus status = natsConnection_Publish(link_->connection, ack_subject_.c_str(), kAck, 4);
    if (status == NATS_OK) return nostr::ok_status();
    return nostr::failed("ack not sent (the message will come again): " + describe(status));
  }

 private:
  std::shared_ptr<Link> link_;
  std::string reply_subject_;
  std::string ack_subject_;
};

Delivery make_delivery(const std::shared_ptr<Link>& link, natsMsg* msg, bool durable_subject,
                       bool jetstream) {
  auto subject = std::make_shared<const std::string>(natsMsg_GetSubject(msg));
  auto message = std::make_shared<const Message>(to_message(msg));
  // On a durable subject the NATS reply subject belongs to JetStream (its ack, or the publisher's
  // wait for the store); the requester's inbox travels in the header, for the group only: plain
  // subscribers of a durable subject watch, they do not answer (as in the in-process bus).
  const char* nats_reply = natsMsg_GetReply(msg);
  std::string reply_subject;
  if (jetstream) {
    reply_subject = header_value(msg, kReplyToHeader);
  } else if (!durable_subject && nats_reply) {
    reply_subject = nats_reply;
  }
  std::string ack_subject = jetstream && nats_reply ? nats_reply : "";
  unsigned attempt = 1;
  if (jetstream) {
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      attempt = static_cast<unsigned>(meta->NumDelivered);
      jsMsgMetaData_Destroy(meta);
    }
  }
  auto responder = std::make_shared<NatsResponder>(link, std::move(reply_subject), std::move(ack_subject));
  return Delivery(std::move(subject), std::move(message), std::move(responder), attempt);
}

}  // namespace

struct CoreSubscription::State {
  State(std::shared_ptr<Link> l, bool durable, Handler h)
      : link(std::move(l)), durable_subject(durable), handler(std::move(h)) {}
  std::shared_ptr<Link> link;
  bool durable_subject;
  GuardedHandler handler;
};

namespace {

void on_core_message(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
  MsgPtr msg(raw);
  auto& state = **static_cast<std::shared_ptr<CoreSubscription::State>*>(closure);
  if (state.handler.closed()) return;
  state.handler.invoke(make_delivery(state.link, msg.get(), state.durable_subject, false));
}

void on_core_complete(void* closure) {
  delete static_cast<std::shared_ptr<CoreSubscription::State>*>(closure);
}

}  // namespace

Result<std::shared_ptr<CoreSubscription>> CoreSubscription::start(std::shared_ptr<Link> link,
                                                                  std::string_view subject,
                                                                  std::string_view group,
                                                                  bool durable_subject, Handler handler) {
  using R = Result<std::shared_ptr<CoreSubscription>>;
  auto self = std::make_shared<CoreSubscription>();
  self->state_ = std::make_shared<State>(link, durable_subject, std::move(handler));
  auto* closure = new std::shared_ptr<State>(self->state_);
  const std::string subject_text(subject);
  const std::string group_text(group);
  natsStatus status = group.empty() ? natsConnection_Subscribe(&self->subscription_, link->connection,
                                                               subject_text.c_str(), on_core_message, closure)
                                    : natsConnection_QueueSubscribe(&self->subscription_, link->connection,
                                                                    subject_text.c_str(), group_text.c_str(),
                                                                    on_core_message, closure);
  if (status != NATS_OK) {
    delete closure;
    self->closed_ = true;
    return R::failure("cannot subscribe to " + subject_text + ": " + describe(status));
  }
  // Large messages and bursts: the defaults (65536 messages, 64 MB) would drop after 64 one-megabyte
  // messages pending for a slow handler.
  natsSubscription_SetPendingLimits(self->subscription_, 65536, 256 * 1024 * 1024);
  status = natsSubscription_SetOnCompleteCB(self->subscription_, on_core_complete, closure);
  if (status != NATS_OK) {
    // Without the completion callback the closure must outlive every callback: keep it (tiny).
    return R::failure("cannot watch the subscription to " + subject_text + ": " + describe(status));
  }
  return self;
}

void CoreSubscription::close() {
  if (closed_.exchange(true)) return;
  state_->handler.close();
  natsSubscription_Unsubscribe(subscription_);
  natsSubscription_Destroy(subscription_);
}

struct PullConsumer::State {
  State(std::shared_ptr<Link> l, Handler h) : link(std::move(l)), handler(std::move(h)) {}
  ~State() {
    if (subscription) natsSubscription_Destroy(subscription);
  }
  std::shared_ptr<Link> link;
  GuardedHandler handler;
  natsSubscription* subscription = nullptr;
  int batch = 64;
  std::atomic<bool> stopping{false};
};

namespace {

Status ensure_consumer(Link& link, std::string_view subject, const PullOptions& options) {
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options.api_timeout_ms;
  jsConsumerInfo* info = nullptr;
  jsErrCode error = static_cast<jsErrCode>(0);
  natsStatus status = js_GetConsumerInfo(&info, link.jetstream, options.stream.c_str(), options.group.c_str(),
                                         &js_options, &error);
  if (status == NATS_OK) {
    jsConsumerInfo_Destroy(info);
    return nostr::ok_status();
  }
  if (status != NATS_NOT_FOUND) {
    return nostr::failed("cannot look up consumer " + options.group + " of stream " + options.stream + ": " +
                         describe(status));
  }
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = options.group.c_str();
  config.AckPolicy = js_AckExplicit;
  config.AckWait = options.ack_wait_ms * 1000 * 1000;
  config.DeliverPolicy = js_DeliverAll;
  config.MaxDeliver = -1;
  status = js_AddConsumer(&info, link.jetstream, options.stream.c_str(), &config, &js_options, &error);
  if (status == NATS_OK) {
    jsConsumerInfo_Destroy(info);
    return nostr::ok_status();
  }
  std::string text = describe(status);
  if (error == JSConsumerWQMultipleUnfilteredErr || error == JSConsumerWQConsumerNotUniqueErr) {
    text = std::string(subject) + " is durable and already consumed by another group; it has one group (" +
           text + ")";
  }
  return nostr::failed("cannot create consumer " + options.group + ": " + text);
}

void fetch_loop(const std::shared_ptr<PullConsumer::State>& state) {
  while (!state->stopping) {
    natsMsgList list{nullptr, 0};
    jsErrCode error = static_cast<jsErrCode>(0);
    const natsStatus status =
        natsSubscription_Fetch(&list, state->subscription, state->batch, kFetchWaitMs, &error);
    if (status != NATS_OK) {
      natsMsgList_Destroy(&list);
      // Nothing to fetch (timeout), or the server is away: the connection reconnects by itself,
      // the consumer and its unacked messages wait on the server.
      if (status != NATS_TIMEOUT) std::this_thread::sleep_for(kRetryPause);
      continue;
    }
    for (int i = 0; i < list.Count; ++i) {
      // Once closed, what is left is not acked and comes again to another member.
      if (state->stopping) break;
      state->handler.invoke(make_delivery(state->link, list.Msgs[i], true, true));
    }
    natsMsgList_Destroy(&list);
  }
}

}  // namespace

Result<std::shared_ptr<PullConsumer>> PullConsumer::start(std::shared_ptr<Link> link,
                                                          std::string_view subject,
                                                          const PullOptions& options, Handler handler) {
  using R = Result<std::shared_ptr<PullConsumer>>;
  if (auto ensured = ensure_consumer(*link, subject, options); !ensured) return R::failure(ensured.error());
  auto self = std::make_shared<PullConsumer>();
  self->state_ = std::make_shared<State>(link, std::move(handler));
  self->state_->batch = options.batch;
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options.api_timeout_ms;
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = options.stream.c_str();
  sub_options.Consumer = options.group.c_str();  // bound: unsubscribing never deletes the consumer
  jsErrCode error = static_cast<jsErrCode>(0);
  const std::string subject_text(subject);
  const natsStatus status =
      js_PullSubscribe(&self->state_->subscription, link->jetstream, subject_text.c_str(),
                       options.group.c_str(), &js_options, &sub_options, &error);
  if (status != NATS_OK) {
    self->closed_ = true;
    return R::failure("cannot consume " + subject_text + " as group " + options.group + ": " +
                      describe(status));
  }
  self->fetcher_ = std::thread([state = self->state_] { fetch_loop(state); });
  return self;
}

void PullConsumer::close() {
  if (closed_.exchange(true)) return;
  state_->stopping = true;
  state_->handler.close();
  if (!fetcher_.joinable()) return;
  if (fetcher_.get_id() == std::this_thread::get_id()) {
    // Closed from its own handler: the loop ends after it returns and the state frees itself.
    fetcher_.detach();
  } else {
    fetcher_.join();
  }
}

}  // namespace pleb::bus::nats
