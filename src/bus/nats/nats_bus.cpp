#include "bus/nats/nats_bus.hpp"

#include <charconv>
#include <condition_variable>

#include "bus/checks.hpp"
#include "bus/nats/nats_link.hpp"
#include "bus/nats/subscriptions.hpp"
#include "bus/pending_requests.hpp"
#include "bus/timer_thread.hpp"

namespace pleb::bus {

using nats::describe;
using nats::Link;
using nats::MsgPtr;

namespace {
constexpr std::string_view kStoredSuffix = ".stored";
constexpr auto kInboxDrainWait = std::chrono::seconds(2);
}  // namespace

// One wildcard subscription on a private inbox receives every reply: "<inbox>.<token>" carries a
// reply, "<inbox>.<token>.stored" JetStream's acknowledgement that a durable request is stored.
struct NatsBus::Inbox {
  struct Shared {
    std::weak_ptr<PendingRequests> pending;
    std::string prefix;  // "_INBOX.<unique>."
    std::mutex mutex;
    std::condition_variable done;
    bool complete = false;
  };
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  natsSubscription* subscription = nullptr;

  std::string reply_subject(std::uint64_t token) const { return shared->prefix + std::to_string(token); }

  static void on_message(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    MsgPtr msg(raw);
    auto& shared = **static_cast<std::shared_ptr<Shared>*>(closure);
    auto pending = shared.pending.lock();
    if (!pending) return;
    std::string_view rest(natsMsg_GetSubject(msg.get()));
    if (!rest.starts_with(shared.prefix)) return;
    rest.remove_prefix(shared.prefix.size());
    std::uint64_t token = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), token);
    if (error != std::errc()) return;
    const std::string_view suffix(end, static_cast<std::size_t>(rest.data() + rest.size() - end));
    const std::string subject = pending->subject_of(token);
    if (subject.empty()) return;  // answered already, or timed out
    if (suffix == kStoredSuffix) {
      const std::string_view body(natsMsg_GetData(msg.get()) ? natsMsg_GetData(msg.get()) : "",
                                  static_cast<std::size_t>(natsMsg_GetDataLength(msg.get())));
      if (natsMsg_IsNoResponders(msg.get())) {
        pending->complete(token, Result<Message>::failure("no JetStream stream stores " + subject));
      } else if (body.find("\"error\"") != std::string_view::npos) {
        pending->complete(token, Result<Message>::failure("JetStream did not store the message on " +
                                                          subject + ": " + std::string(body)));
      } else {
        pending->mark_stored(token);
      }
      return;
    }
    if (!suffix.empty()) return;
    if (natsMsg_IsNoResponders(msg.get())) {
      pending->complete(token, Result<Message>::failure("no responders: nobody subscribes to " + subject));
      return;
    }
    pending->complete(token, nats::to_message(msg.get()));
  }

  static void on_complete(void* closure) {
    auto* shared = static_cast<std::shared_ptr<Shared>*>(closure);
    {
      std::lock_guard lock((*shared)->mutex);
      (*shared)->complete = true;
    }
    (*shared)->done.notify_all();
    delete shared;
  }
};

NatsBus::NatsBus(NatsBusOptions options)
    : options_(std::move(options)),
      timer_(std::make_unique<TimerThread>()),
      pending_(PendingRequests::create(*timer_)),
      link_(std::make_shared<Link>()),
      inbox_(std::make_unique<Inbox>()) {}

Result<std::unique_ptr<NatsBus>> NatsBus::connect(NatsBusOptions options) {
  std::unique_ptr<NatsBus> bus(new NatsBus(std::move(options)));
  if (auto opened = bus->open(); !opened) return Result<std::unique_ptr<NatsBus>>::failure(opened.error());
  return bus;
}

Status NatsBus::open() {
  natsOptions* raw_options = nullptr;
  natsStatus status = natsOptions_Create(&raw_options);
  if (status != NATS_OK) return nostr::failed("cannot set up NATS: " + describe(status));
  std::unique_ptr<natsOptions, void (*)(natsOptions*)> nats_options(raw_options, natsOptions_Destroy);
  natsOptions_SetURL(raw_options, options_.url.c_str());
  natsOptions_SetName(raw_options, options_.name.c_str());
  natsOptions_SetTimeout(raw_options, options_.connect_timeout.count());
  natsOptions_SetMaxReconnect(raw_options, -1);
  natsOptions_SetReconnectWait(raw_options, options_.reconnect_wait.count());
  natsOptions_SetReconnectBufSize(raw_options, options_.reconnect_buffer_bytes);
  natsOptions_SetSendAsap(raw_options, options_.send_asap);
  status = natsConnection_Connect(&link_->connection, raw_options);
  if (status != NATS_OK)
    return nostr::failed("cannot connect to NATS at " + options_.url + ": " + describe(status));

  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options_.jetstream_timeout.count();
  status = natsConnection_JetStream(&link_->jetstream, link_->connection, &js_options);
  if (status != NATS_OK) return nostr::failed("cannot use JetStream: " + describe(status));
  for (const auto& durable : options_.durable_subjects) {
    jsStreamInfo* info = nullptr;
    jsErrCode error = static_cast<jsErrCode>(0);
    status = js_GetStreamInfo(&info, link_->jetstream, durable.stream.c_str(), nullptr, &error);
    if (status == NATS_OK) {
      jsStreamInfo_Destroy(info);
      continue;
    }
    if (status != NATS_NOT_FOUND) {
      return nostr::failed("cannot look up JetStream stream " + durable.stream +
                           " (is JetStream enabled?): " + describe(status));
    }
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    const char* stream_subjects[] = {durable.subject.c_str()};
    config.Name = durable.stream.c_str();
    config.Subjects = stream_subjects;
    config.SubjectsLen = 1;
    config.Retention = js_WorkQueuePolicy;
    config.Storage = js_FileStorage;
    status = js_AddStream(&info, link_->jetstream, &config, nullptr, &error);
    if (status != NATS_OK) {
      return nostr::failed("cannot create JetStream stream " + durable.stream + " for " + durable.subject +
                           ": " + describe(status));
    }
    jsStreamInfo_Destroy(info);
  }

  natsInbox* inbox = nullptr;
  status = natsInbox_Create(&inbox);
  if (status != NATS_OK) return nostr::failed("cannot make a reply inbox: " + describe(status));
  inbox_->shared->prefix = std::string(inbox) + ".";
  natsInbox_Destroy(inbox);
  inbox_->shared->pending = pending_;
  auto* closure = new std::shared_ptr<Inbox::Shared>(inbox_->shared);
  const std::string pattern = inbox_->shared->prefix + ">";
  status = natsConnection_Subscribe(&inbox_->subscription, link_->connection, pattern.c_str(),
                                    Inbox::on_message, closure);
  if (status != NATS_OK) {
    delete closure;
    return nostr::failed("cannot subscribe to the reply inbox: " + describe(status));
  }
  natsSubscription_SetPendingLimits(inbox_->subscription, 65536, 256 * 1024 * 1024);
  status = natsSubscription_SetOnCompleteCB(inbox_->subscription, Inbox::on_complete, closure);
  if (status != NATS_OK) return nostr::failed("cannot watch the reply inbox: " + describe(status));
  return nostr::ok_status();
}

NatsBus::~NatsBus() {
  std::vector<std::weak_ptr<SubscriptionControl>> subscriptions;
  {
    std::lock_guard lock(subscriptions_mutex_);
    subscriptions.swap(subscriptions_);
  }
  for (auto& weak : subscriptions) {
    if (auto control = weak.lock()) control->close();
  }
  if (inbox_->subscription) {
    natsSubscription_Unsubscribe(inbox_->subscription);
    {
      // The inbox's callback reaches the pending requests, which reach the timer: wait until it has
      // returned for good.
      std::unique_lock lock(inbox_->shared->mutex);
      inbox_->shared->done.wait_for(lock, kInboxDrainWait, [this] { return inbox_->shared->complete; });
    }
    natsSubscription_Destroy(inbox_->subscription);
  }
  pending_->fail_all("bus closed");
  if (link_->connection) natsConnection_Close(link_->connection);
  pending_.reset();
  timer_.reset();
}

bool NatsBus::connected() const {
  return link_->connection && natsConnection_Status(link_->connection) == NATS_CONN_STATUS_CONNECTED;
}

const NatsBusOptions::Durable* NatsBus::durable(std::string_view subject) const {
  for (const auto& durable : options_.durable_subjects) {
    if (durable.subject == subject) return &durable;
  }
  return nullptr;
}

bool NatsBus::is_durable(std::string_view subject) const {
  return durable(subject) != nullptr;
}

std::size_t NatsBus::max_message_bytes() const {
  const auto max = natsConnection_GetMaxPayload(link_->connection);
  return max > 0 ? static_cast<std::size_t>(max) : std::size_t{1} << 20;
}

void NatsBus::remember(const std::shared_ptr<SubscriptionControl>& control) {
  std::lock_guard lock(subscriptions_mutex_);
  std::erase_if(subscriptions_, [](const auto& weak) { return weak.expired(); });
  subscriptions_.push_back(control);
}

Status NatsBus::publish(std::string_view subject, Message message) {
  if (auto checked = check_publish_subject(subject); !checked) return checked;
  if (auto checked = check_message(message, max_message_bytes()); !checked) return checked;
  auto msg = nats::make_msg(subject, nullptr, message);
  if (!msg) return nostr::failed(msg.error());
  if (!durable(subject)) return nats::publish_core(*link_, msg->get(), subject);

  const std::string subject_text(subject);
  if (!connected()) {
    // Waiting for the server to come back would only turn into a timeout; say so now.
    return nostr::failed("not connected to NATS (reconnecting): " + subject_text + " not stored");
  }
  jsPubOptions publish_options;
  jsPubOptions_Init(&publish_options);
  publish_options.MaxWait = options_.jetstream_timeout.count();
  jsPubAck* ack = nullptr;
  jsErrCode error = static_cast<jsErrCode>(0);
  const natsStatus status = js_PublishMsg(&ack, link_->jetstream, msg->get(), &publish_options, &error);
  if (status == NATS_OK) {
    jsPubAck_Destroy(ack);
    return nostr::ok_status();
  }
  if (status == NATS_TIMEOUT) {
    return nostr::failed("JetStream did not acknowledge " + subject_text + " within " +
                         std::to_string(options_.jetstream_timeout.count()) + " ms: it may not be stored");
  }
  if (status == NATS_NO_RESPONDERS) return nostr::failed("no JetStream stream stores " + subject_text);
  return nostr::failed("JetStream did not store " + subject_text + ": " + describe(status));
}

Result<Subscription> NatsBus::subscribe(std::string_view subject, Handler handler) {
  if (auto checked = check_subscribe_subject(subject); !checked)
    return Result<Subscription>::failure(checked.error());
  // A durable subject's plain subscribers see its messages as core NATS does: at most once.
  auto started = nats::CoreSubscription::start(link_, subject, {}, is_durable(subject), std::move(handler));
  if (!started) return Result<Subscription>::failure(started.error());
  remember(*started);
  return Subscription(std::move(*started));
}

Result<Subscription> NatsBus::queue_subscribe(std::string_view subject, std::string_view group,
                                              Handler handler) {
  if (auto checked = check_subscribe_subject(subject); !checked)
    return Result<Subscription>::failure(checked.error());
  if (auto checked = check_group(group); !checked) return Result<Subscription>::failure(checked.error());
  std::shared_ptr<SubscriptionControl> control;
  if (const auto* durable_subject = durable(subject)) {
    const nats::PullOptions pull{durable_subject->stream, std::string(group), options_.ack_wait.count(),
                                 options_.jetstream_timeout.count(), options_.fetch_batch};
    auto started = nats::PullConsumer::start(link_, subject, pull, std::move(handler));
    if (!started) return Result<Subscription>::failure(started.error());
    control = std::move(*started);
  } else {
    auto started = nats::CoreSubscription::start(link_, subject, group, false, std::move(handler));
    if (!started) return Result<Subscription>::failure(started.error());
    control = std::move(*started);
  }
  remember(control);
  return Subscription(std::move(control));
}

void NatsBus::request(std::string_view subject, Message message, std::chrono::milliseconds timeout,
                      ReplyHandler on_reply) {
  const auto token = pending_->add(subject, timeout, std::move(on_reply));
  auto fail = [this, token](std::string error) {
    // Answered on a bus thread, as every reply is, never inside the caller's own call.
    timer_->schedule(TimerThread::Clock::now(), [pending = pending_, token, error = std::move(error)] {
      pending->complete(token, Result<Message>::failure(error));
    });
  };
  if (auto checked = check_publish_subject(subject); !checked) return fail(checked.error());
  if (auto checked = check_message(message, max_message_bytes()); !checked) return fail(checked.error());
  const std::string reply_subject = inbox_->reply_subject(token);
  Result<MsgPtr> msg = Result<MsgPtr>::failure("");
  if (is_durable(subject)) {
    // JetStream answers the NATS reply subject with its store acknowledgement; the group member's
    // reply goes to the header's subject, which stays with the stored message for redeliveries.
    const std::string stored_subject = reply_subject + std::string(kStoredSuffix);
    msg = nats::make_msg(subject, stored_subject.c_str(), message, reply_subject.c_str());
  } else {
    msg = nats::make_msg(subject, reply_subject.c_str(), message);
  }
  if (!msg) return fail(msg.error());
  if (auto published = nats::publish_core(*link_, msg->get(), subject); !published) fail(published.error());
}

}  // namespace pleb::bus
