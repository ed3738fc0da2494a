// One memory store shard: record table, expiry heap and user lists under one mutex.
#include "store/memory/session_shard.hpp"

namespace sesh::detail {

session_shard::~session_shard() {
    for (const record_slot& s : records_) packed_record::destroy(s.p);
}

std::optional<session_record> session_shard::get(const memory_key& key, std::int64_t now) {
    std::lock_guard lock(mutex_);
    const record_slot* s = find_live(key, now);
    if (s == nullptr) return std::nullopt;
    return s->p->unpack(key.text);
}

result<void> session_shard::create(const session_record& r, const memory_key& key, std::int64_t now) {
    std::lock_guard lock(mutex_);
    purge_locked(now, 2);
    if (find_live(key, now) != nullptr) return fail(errc::already_exists);
    insert_record(packed_record::make(r, key));
    return {};
}

result<void> session_shard::update(const session_record& r, const memory_key& key, std::int64_t now) {
    std::lock_guard lock(mutex_);
    const record_slot* s = find_live(key, now);
    if (s == nullptr) return fail(errc::not_found);
    packed_record* p = s->p;
    const bool same_user = p->user_id() == r.user_id;
    if (packed_record::size_for(r, key) == p->size()) {
        // Same size (the common save of a fixed-shape session): rewrite in place, no allocation.
        if (!same_user) unlink_user(p);
        p->overwrite(r, key);
        if (!same_user) link_user(p);
    } else {
        packed_record* q = packed_record::make(r, key);
        q->heap_index = p->heap_index;
        heap_[q->heap_index].r = q;
        s->p = q;
        if (same_user) {
            replace_user_link(p, q);
        } else {
            unlink_user(p);
            link_user(q);
        }
        packed_record::destroy(p);
        p = q;
    }
    heap_lower(p);
    return {};
}

result<bool> session_shard::touch(const memory_key& key, std::int64_t last_seen, std::int64_t idle_expires,
                                  std::int64_t now) {
    std::lock_guard lock(mutex_);
    const record_slot* s = find_live(key, now);
    if (s == nullptr) return fail(errc::not_found);
    packed_record* p = s->p;
    if (p->last_seen >= last_seen) return false;
    p->last_seen = last_seen;
    p->idle_expires = idle_expires;
    heap_lower(p);
    return true;
}

void session_shard::erase(const memory_key& key) {
    std::lock_guard lock(mutex_);
    if (auto it = records_.find(key); it != records_.end()) remove_record(it->p);
}

void session_shard::collect_user(std::string_view user_id, std::int64_t now, std::vector<session_record>& out) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(user_id);
    if (it == users_.end()) return;
    for (const packed_record* p = it->head; p != nullptr; p = p->next_of_user)
        if (now < p->expires_ms()) out.push_back(p->unpack());
}

std::size_t session_shard::erase_user(std::string_view user_id, const std::optional<memory_key>& keep,
                                      std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = users_.find(user_id);
    if (it == users_.end()) return 0;
    std::size_t removed = 0;
    packed_record* p = it->head;  // `it` dies with the first unlink of the head; walk by pointer
    while (p != nullptr) {
        packed_record* next = p->next_of_user;
        if (!keep || !p->has_key(*keep)) {
            if (now < p->expires_ms()) ++removed;
            remove_record(p);
        }
        p = next;
    }
    return removed;
}

std::size_t session_shard::purge(std::int64_t now, std::size_t max) {
    std::lock_guard lock(mutex_);
    return purge_locked(now, max);
}

std::size_t session_shard::purge_locked(std::int64_t now, std::size_t max) noexcept {
    std::size_t removed = 0;
    while (removed < max && !heap_.empty() && heap_.front().at <= now) {
        packed_record* p = heap_.front().r;
        if (p->expires_ms() <= now) {
            remove_record(p);
            ++removed;
        } else {
            // Renewed since it was filed: re-file at its real expiry (later than now, so each
            // record is re-filed at most once per call and the loop ends).
            heap_.front().at = p->expires_ms();
            sift_down(0);
        }
    }
    return removed;
}

const session_shard::record_slot* session_shard::find_live(const memory_key& key, std::int64_t now) {
    auto it = records_.find(key);
    if (it == records_.end()) return nullptr;
    if (now < it->p->expires_ms()) return &*it;
    remove_record(it->p);  // expired: invisible from now on, so free it while we hold the lock
    return nullptr;
}

void session_shard::insert_record(packed_record* p) {
    records_.insert(record_slot{p});
    heap_push(p);
    link_user(p);
}

void session_shard::remove_record(packed_record* p) noexcept {
    records_.erase(record_slot{p});
    heap_remove(p);
    unlink_user(p);
    packed_record::destroy(p);
    live_.fetch_sub(1, std::memory_order_relaxed);
}

// Anonymous sessions (empty user id) belong to no user: they are not indexed, so list_user("")
// and erase_user("") see nothing rather than every anonymous visitor.
void session_shard::link_user(packed_record* p) {
    p->prev_of_user = p->next_of_user = nullptr;
    const std::string_view user = p->user_id();
    if (user.empty()) return;
    auto it = users_.find(user);
    if (it == users_.end()) {
        users_.insert(user_slot{p});
        return;
    }
    // After the head, so the index slot keeps pointing at the same record.
    packed_record* head = it->head;
    p->prev_of_user = head;
    p->next_of_user = head->next_of_user;
    if (head->next_of_user != nullptr) head->next_of_user->prev_of_user = p;
    head->next_of_user = p;
}

void session_shard::unlink_user(packed_record* p) noexcept {
    if (p->prev_of_user != nullptr) {
        p->prev_of_user->next_of_user = p->next_of_user;
        if (p->next_of_user != nullptr) p->next_of_user->prev_of_user = p->prev_of_user;
    } else if (const std::string_view user = p->user_id(); !user.empty()) {
        auto it = users_.find(user);  // p is the head
        if (p->next_of_user == nullptr) {
            users_.erase(it);
        } else {
            p->next_of_user->prev_of_user = nullptr;
            it->head = p->next_of_user;  // same user id, so the slot's hash is unchanged
        }
    }
    p->prev_of_user = p->next_of_user = nullptr;
}

void session_shard::replace_user_link(packed_record* old_p, packed_record* new_p) noexcept {
    new_p->prev_of_user = old_p->prev_of_user;
    new_p->next_of_user = old_p->next_of_user;
    if (new_p->next_of_user != nullptr) new_p->next_of_user->prev_of_user = new_p;
    if (new_p->prev_of_user != nullptr) {
        new_p->prev_of_user->next_of_user = new_p;
    } else if (const std::string_view user = old_p->user_id(); !user.empty()) {
        users_.find(user)->head = new_p;
    }
}

void session_shard::heap_place(std::size_t i, heap_entry e) noexcept {
    heap_[i] = e;
    e.r->heap_index = static_cast<std::uint32_t>(i);
}

void session_shard::heap_push(packed_record* p) {
    heap_.push_back({p->expires_ms(), p});
    p->heap_index = static_cast<std::uint32_t>(heap_.size() - 1);
    sift_up(heap_.size() - 1);
}

void session_shard::heap_remove(packed_record* p) noexcept {
    const std::size_t i = p->heap_index;
    const heap_entry last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;  // p was the last entry
    heap_place(i, last);
    sift_up(i);
    sift_down(last.r->heap_index);
}

void session_shard::heap_lower(packed_record* p) noexcept {
    heap_entry& e = heap_[p->heap_index];
    if (p->expires_ms() >= e.at) return;  // later expiry: purge re-files it when it comes up
    e.at = p->expires_ms();
    sift_up(p->heap_index);
}

void session_shard::sift_up(std::size_t i) noexcept {
    const heap_entry e = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (heap_[parent].at <= e.at) break;
        heap_place(i, heap_[parent]);
        i = parent;
    }
    heap_place(i, e);
}

void session_shard::sift_down(std::size_t i) noexcept {
    const heap_entry e = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap_[child + 1].at < heap_[child].at) ++child;
        if (e.at <= heap_[child].at) break;
        heap_place(i, heap_[child]);
        i = child;
    }
    heap_place(i, e);
}

}  // namespace sesh::detail
