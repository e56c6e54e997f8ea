// Event chunks over SOCI: zstd-compressed at rest, appended together with the
// session's counters.
#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/compression.h"
#include "core/text.h"
#include "store/store_internal.h"

namespace incuera::internal {
namespace {

// Hex helpers for PostgreSQL bytea, which SOCI 4.0 cannot bind as binary.
Result<std::string> HexDecode(std::string_view hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Internal("corrupt payload");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Internal("corrupt payload");
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// True when `data` starts with the zstd frame magic number (28 B5 2F FD).
bool IsZstdFrame(std::string_view data) {
  return data.size() >= 4 && data.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4);
}

// A compacted chunk keeps the content identities of the newest chunks it
// merged (up to kChunkIdentitiesKept) in its content_hash column, so a batch
// re-sent without seq is still recognised after compaction:
// "merged:<events>:<hash>,<events>:<hash>,..." oldest first. The column of an
// ingested chunk holds its bare hash (its events are the row's count).
constexpr std::string_view kMergedIdentities = "merged:";

// The identities a content_hash column holds, oldest first.
std::vector<ChunkContent> Identities(std::int64_t event_count, std::string_view column) {
  std::vector<ChunkContent> out;
  if (column.empty()) return out;
  if (column.substr(0, kMergedIdentities.size()) != kMergedIdentities) {
    out.push_back(ChunkContent{event_count, std::string(column)});
    return out;
  }
  for (const std::string& entry : Split(column.substr(kMergedIdentities.size()), ',')) {
    std::size_t colon = entry.find(':');
    if (colon == std::string::npos) continue;
    std::int64_t count = std::strtoll(entry.c_str(), nullptr, 10);
    if (count > 0) out.push_back(ChunkContent{count, entry.substr(colon + 1)});
  }
  return out;
}

// The content_hash column of a chunk merging chunks with `identities`
// (oldest first): the newest kChunkIdentitiesKept of them, or empty.
std::string MergedIdentities(const std::vector<ChunkContent>& identities) {
  if (identities.empty()) return "";
  std::string out(kMergedIdentities);
  std::size_t from =
      identities.size() > kChunkIdentitiesKept ? identities.size() - kChunkIdentitiesKept : 0;
  for (std::size_t i = from; i < identities.size(); ++i) {
    if (i > from) out += ',';
    out += std::to_string(identities[i].event_count) + ':' + identities[i].content_hash;
  }
  return out;
}

// The chunk insert per dialect: PostgreSQL receives the payload hex-encoded
// (SOCI 4.0 cannot bind bytea) and decodes it.
// A conflict on either unique key, (session_id, seq) or (session_id,
// content_hash), means the batch is already stored.
constexpr const char* kInsertChunkSqlite =
    "INSERT INTO event_chunks (session_id, seq, first_ts, last_ts, event_count, raw_bytes, codec, "
    "payload, created_at, content_hash) VALUES (:s, :q, :f, :l, :n, :r, :c, CAST(:p AS BLOB), :t, "
    ":h) ON CONFLICT DO NOTHING";
constexpr const char* kInsertChunkPostgres =
    "INSERT INTO event_chunks (session_id, seq, first_ts, last_ts, event_count, raw_bytes, codec, "
    "payload, created_at, content_hash) VALUES (:s, :q, :f, :l, :n, :r, :c, decode(:p, 'hex'), "
    ":t, :h) ON CONFLICT DO NOTHING";

// Reading one chunk per dialect: PostgreSQL sends the payload hex-encoded.
constexpr const char* kReadChunkSqlite =
    "SELECT session_id, seq, first_ts, last_ts, event_count, raw_bytes, codec, payload, "
    "created_at FROM event_chunks WHERE session_id = :s AND seq = :q";
constexpr const char* kReadChunkPostgres =
    "SELECT session_id, seq, first_ts, last_ts, event_count, raw_bytes, codec, "
    "encode(payload, 'hex'), created_at FROM event_chunks WHERE session_id = :s AND seq = :q";

// The most event JSON one compacted chunk holds: large enough for zstd to
// find what batches share, small enough that a reader holds one chunk at a
// time in memory without noticing.
constexpr std::int64_t kSegmentRawBytes = std::int64_t{4} << 20;

// How often one reader lists a session's chunks again after finding some
// compacted or deleted under it before it gives up.
constexpr int kMaxListings = 4;

// Event chunks: compressed at rest, appended with the session counters.
class SociEventRepository final : public EventRepository {
 public:
  explicit SociEventRepository(Database& db) : db_(db) {}

  Result<AppendResult> Append(const EventChunk& chunk, const BatchStats& stats) override {
    if (!IsUuid(chunk.session_id)) return NotFound("session not found");
    std::string codec = chunk.codec;
    std::string payload;
    if (codec == "none") {
      INCUERA_ASSIGN_OR_RETURN(payload, compressor_.Compress(chunk.payload));
      codec = "zstd";
    } else if (codec == "zstd") {
      if (!IsZstdFrame(chunk.payload)) return InvalidArgument("payload is not a zstd frame");
      payload = chunk.payload;
    } else {
      return InvalidArgument("unknown chunk codec '" + codec + "'");
    }
    auto stored_bytes = static_cast<std::int64_t>(payload.size());
    bool postgres = db_.dialect() == Dialect::kPostgres;
    if (postgres) payload = HexEncode(payload);
    TimeMs now = db_.Now();
    TimeMs created = chunk.created_at ? chunk.created_at : now;
    AppendResult result;
    INCUERA_RETURN_IF_ERROR(db_.InTransaction([&](Connection& c) -> Status {
      // Lock the session row first: it serializes appends to one session, so
      // "next free seq" cannot be handed out twice, and a session finalized
      // meanwhile is seen (no chunk lands after the sweep moved it on).
      std::string status;
      if (!c.Run(postgres ? "SELECT status FROM sessions WHERE id = :id FOR UPDATE"
                          : "SELECT status FROM sessions WHERE id = :id",
                 soci::use(chunk.session_id), soci::into(status))
               .got_data) {
        return NotFound("session not found");
      }
      if (status != SessionStatusName(SessionStatus::kRecording)) {
        return FailedPrecondition("session already finalized (status " + status +
                                  ") and no longer accepts events");
      }
      result.seq = chunk.seq;
      if (result.seq < 0) {
        long long next = 0;
        soci::indicator ind;
        c.Run("SELECT MAX(seq) FROM event_chunks WHERE session_id = :id",
              soci::use(chunk.session_id), soci::into(next, ind));
        result.seq = ind == soci::i_ok ? next + 1 : 0;
      }
      soci::indicator hash_ind = chunk.content_hash.empty() ? soci::i_null : soci::i_ok;
      auto inserted =
          c.Run(postgres ? kInsertChunkPostgres : kInsertChunkSqlite, soci::use(chunk.session_id),
                soci::use(result.seq), soci::use(chunk.first_ts), soci::use(chunk.last_ts),
                soci::use(chunk.event_count), soci::use(chunk.raw_bytes), soci::use(codec),
                soci::use(payload), soci::use(created), soci::use(chunk.content_hash, hash_ind));
      result.stored = inserted.affected_rows > 0;
      if (!result.stored) return OkStatus();
      c.Run(
          "UPDATE sessions SET event_count = event_count + :ec, byte_count = byte_count + :bc, "
          "chunk_count = chunk_count + 1, error_count = error_count + :er, "
          "event_bytes = event_bytes + :sb, "
          "page_count = page_count + :pc, "
          "last_event_at = CASE WHEN last_event_at < :l1 THEN :l2 ELSE last_event_at END, "
          "started_at = CASE WHEN CAST(:f1 AS bigint) > 0 AND (started_at = 0 OR :f2 < "
          "started_at) THEN :f3 "
          "ELSE started_at END, "
          "url = CASE WHEN url = '' THEN :url ELSE url END, "
          "last_seen_at = CASE WHEN last_seen_at < :c1 THEN :c2 ELSE last_seen_at END, "
          "updated_at = :u WHERE id = :id",
          soci::use(stats.event_count), soci::use(stats.raw_bytes), soci::use(stats.error_count),
          soci::use(stored_bytes), soci::use(stats.page_count), soci::use(stats.last_ts),
          soci::use(stats.last_ts), soci::use(stats.first_ts), soci::use(stats.first_ts),
          soci::use(stats.first_ts), soci::use(stats.first_url), soci::use(created),
          soci::use(created), soci::use(now), soci::use(chunk.session_id));
      return OkStatus();
    }));
    return result;
  }

  Result<bool> HasSeq(const std::string& session_id, std::int64_t seq) override {
    if (!IsUuid(session_id)) return false;
    int n = 0;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      c.Run(
          "SELECT COUNT(*) FROM event_chunks WHERE session_id = :s AND (seq = :q OR (seq < :q2 "
          "AND last_seq >= :q3))",
          soci::use(session_id), soci::use(seq), soci::use(seq), soci::use(seq), soci::into(n));
      return OkStatus();
    }));
    return n > 0;
  }

  Result<std::vector<ChunkContent>> RecentContent(const std::string& session_id,
                                                  int limit) override {
    std::vector<ChunkContent> out;
    if (!IsUuid(session_id)) return out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      std::int64_t event_count = 0;
      std::string column;
      return c.ForEachRow(
          "SELECT event_count, content_hash FROM event_chunks WHERE session_id = :s "
          "AND content_hash IS NOT NULL ORDER BY seq DESC LIMIT :n",
          [&] {
            std::vector<ChunkContent> held = Identities(event_count, column);
            for (auto it = held.rbegin(); it != held.rend() && out.size() < std::size_t(limit);
                 ++it) {
              out.push_back(std::move(*it));
            }
          },
          soci::use(session_id), soci::use(limit), soci::into(event_count), soci::into(column));
    }));
    return out;
  }

  Status ForEach(const std::string& session_id,
                 const std::function<Status(const EventChunk&)>& visit) override {
    return ForEachInRange(session_id, 0, std::numeric_limits<std::int64_t>::max(), visit);
  }

  Result<std::vector<ChunkInfo>> ListChunks(const std::string& session_id) override {
    std::vector<ChunkInfo> out;
    if (!IsUuid(session_id)) return out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      ChunkInfo info;
      return c.ForEachRow(
          "SELECT seq, first_ts, last_ts, event_count, raw_bytes FROM event_chunks "
          "WHERE session_id = :s ORDER BY seq",
          [&] { out.push_back(info); }, soci::use(session_id), soci::into(info.seq),
          soci::into(info.first_ts), soci::into(info.last_ts), soci::into(info.event_count),
          soci::into(info.raw_bytes));
    }));
    return out;
  }

  Status ForEachInRange(const std::string& session_id, std::int64_t first_event, std::int64_t count,
                        const std::function<Status(const EventChunk&)>& visit) override {
    if (first_event < 0 || count < 0) {
      return InvalidArgument("an event range starts at 0 or later and holds 0 or more events");
    }
    if (!IsUuid(session_id) || count == 0) return OkStatus();
    const std::int64_t end = count > std::numeric_limits<std::int64_t>::max() - first_event
                                 ? std::numeric_limits<std::int64_t>::max()
                                 : first_event + count;
    // The list first, then one chunk at a time: the visitor may be slow (it
    // streams to a client) and must not hold a cursor open meanwhile. A
    // compaction may merge listed chunks in between. It keeps the events in
    // order under the first merged chunk's seq, so the events before a chunk
    // that is still there are as many as listed, and a chunk read may hold
    // more events than listed (it merged the next ones); a chunk found gone
    // sends the reader back to the list, which it resumes after the events
    // already handed over.
    // A chunk that counts no events (its writer did not count them) is
    // visited whole where it stands.
    std::int64_t next = first_event;  // the index of the next event to hand over
    std::int64_t next_seq = 0;        // the first batch not visited yet
    for (int listing = 0; listing < kMaxListings; ++listing) {
      INCUERA_ASSIGN_OR_RETURN(std::vector<StoredChunk> chunks, List(session_id));
      std::int64_t events_before = 0;  // events of the chunks listed before this one
      bool changed = false;
      for (const StoredChunk& listed : chunks) {
        if (next >= end) return OkStatus();
        const std::int64_t listed_before = events_before;
        events_before += listed.event_count;
        if (listed.last_seq < next_seq) continue;  // visited
        if (events_before < next || (events_before == next && listed.event_count > 0)) {
          continue;  // before the range
        }
        Result<EventChunk> chunk = Read(session_id, listed.seq);
        if (chunk.status().code() == StatusCode::kUnavailable) {
          changed = true;
          break;
        }
        INCUERA_RETURN_IF_ERROR(chunk.status());
        const std::int64_t chunk_end = listed_before + chunk->event_count;
        if (chunk->event_count > 0) {
          if (chunk_end <= next) continue;
          INCUERA_RETURN_IF_ERROR(
              KeepEvents(*chunk, next - listed_before, std::min(chunk_end, end) - next));
          next = std::min(chunk_end, end);
        }
        INCUERA_RETURN_IF_ERROR(visit(*chunk));
        next_seq = listed.last_seq + 1;
      }
      if (!changed) return OkStatus();
    }
    return Unavailable(
        "the session's events kept changing while they were read (compacted or deleted); read "
        "them again");
  }

  Result<CompactResult> Compact(const std::string& session_id) override {
    if (!IsUuid(session_id)) return NotFound("session not found");
    std::string status;
    bool found = false;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      found = c.Run("SELECT status FROM sessions WHERE id = :id", soci::use(session_id),
                    soci::into(status))
                  .got_data;
      return OkStatus();
    }));
    if (!found) return NotFound("session not found");
    if (status == SessionStatusName(SessionStatus::kRecording)) {
      return FailedPrecondition("session is still recording; only ended sessions are compacted");
    }
    INCUERA_ASSIGN_OR_RETURN(std::vector<StoredChunk> chunks, List(session_id));
    CompactResult result;
    result.chunks_before = static_cast<std::int64_t>(chunks.size());
    for (const StoredChunk& c : chunks) result.stored_bytes_before += c.stored_bytes;
    result.stored_bytes_after = result.stored_bytes_before;
    for (const auto& [first, last] : Segments(chunks)) {
      ++result.chunks_after;
      if (last == first) continue;
      INCUERA_ASSIGN_OR_RETURN(std::int64_t stored, Merge(session_id, first, last));
      for (auto it = first; it <= last; ++it) result.stored_bytes_after -= it->stored_bytes;
      result.stored_bytes_after += stored;
    }
    return result;
  }

  Status DeleteForSession(const std::string& session_id) override {
    if (!IsUuid(session_id)) return OkStatus();
    return db_.InTransaction([&](Connection& c) {
      c.Run("DELETE FROM event_chunks WHERE session_id = :s", soci::use(session_id));
      c.Run("UPDATE sessions SET event_bytes = 0 WHERE id = :s", soci::use(session_id));
      return OkStatus();
    });
  }

 private:
  // A chunk as listed, without its payload.
  struct StoredChunk {
    std::int64_t seq = 0;
    std::int64_t last_seq = 0;  // the last batch it holds (seq itself unless compacted)
    std::int64_t event_count = 0;
    std::int64_t raw_bytes = 0;
    std::int64_t stored_bytes = 0;
    std::string content_hash;  // empty for a batch with seq
  };
  using ChunkIt = std::vector<StoredChunk>::const_iterator;

  // The session's chunks in seq order.
  Result<std::vector<StoredChunk>> List(const std::string& session_id) {
    std::vector<StoredChunk> out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      StoredChunk chunk;
      soci::indicator hash_ind = soci::i_null;
      return c.ForEachRow(
          std::string("SELECT seq, COALESCE(last_seq, seq), event_count, "
                      "raw_bytes, ") +
              (db_.dialect() == Dialect::kPostgres ? "octet_length" : "length") +
              "(payload), content_hash FROM event_chunks WHERE session_id = :s "
              "ORDER BY seq",
          [&] {
            if (hash_ind != soci::i_ok) chunk.content_hash.clear();
            out.push_back(chunk);
          },
          soci::use(session_id), soci::into(chunk.seq), soci::into(chunk.last_seq),
          soci::into(chunk.event_count), soci::into(chunk.raw_bytes),
          soci::into(chunk.stored_bytes), soci::into(chunk.content_hash, hash_ind));
    }));
    return out;
  }

  // One chunk with its payload decompressed; Unavailable when it is gone
  // (compacted or deleted since it was listed).
  Result<EventChunk> Read(const std::string& session_id, std::int64_t seq) {
    bool postgres = db_.dialect() == Dialect::kPostgres;
    EventChunk chunk;
    bool found = false;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      found =
          c.Run(postgres ? kReadChunkPostgres : kReadChunkSqlite, soci::use(session_id),
                soci::use(seq), soci::into(chunk.session_id), soci::into(chunk.seq),
                soci::into(chunk.first_ts), soci::into(chunk.last_ts),
                soci::into(chunk.event_count), soci::into(chunk.raw_bytes), soci::into(chunk.codec),
                soci::into(chunk.payload), soci::into(chunk.created_at))
              .got_data;
      return OkStatus();
    }));
    if (!found) {
      return Unavailable(
          "the session's events changed while they were read (compacted or "
          "deleted); read them again");
    }
    if (postgres) {
      INCUERA_ASSIGN_OR_RETURN(chunk.payload, HexDecode(chunk.payload));
    }
    if (chunk.codec == "zstd") {
      INCUERA_ASSIGN_OR_RETURN(chunk.payload, ZstdDecompress(chunk.payload));
      chunk.codec = "none";
    }
    return chunk;
  }

  // Keeps `keep` events of a chunk read whole, from its event `skip` on.
  static Status KeepEvents(EventChunk& chunk, std::int64_t skip, std::int64_t keep) {
    if (skip == 0 && keep == chunk.event_count) return OkStatus();
    INCUERA_ASSIGN_OR_RETURN(std::string_view elements, ArrayElements(chunk.payload, chunk.seq));
    INCUERA_ASSIGN_OR_RETURN(std::string_view rest, DropElements(elements, skip));
    INCUERA_ASSIGN_OR_RETURN(std::string_view after, DropElements(rest, keep));
    // What DropElements skipped, without the separator before `after`.
    std::string_view kept = Trim(rest.substr(0, rest.size() - after.size()));
    if (!after.empty() && !kept.empty() && kept.back() == ',') {
      kept = Trim(kept.substr(0, kept.size() - 1));
    }
    chunk.payload = "[" + std::string(kept) + "]";
    chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
    chunk.event_count = keep;
    return OkStatus();
  }

  // Runs of consecutive chunks that make one compacted chunk each, as
  // [first, last] pairs: as many as fit in kSegmentRawBytes (a larger chunk
  // stays alone). Already compacted chunks come out as runs of one, which
  // makes Compact idempotent.
  static std::vector<std::pair<ChunkIt, ChunkIt>> Segments(const std::vector<StoredChunk>& chunks) {
    std::vector<std::pair<ChunkIt, ChunkIt>> out;
    std::int64_t raw = 0;
    for (auto it = chunks.begin(); it != chunks.end(); ++it) {
      if (out.empty() || raw + it->raw_bytes > kSegmentRawBytes) {
        out.emplace_back(it, it);
        raw = 0;
      }
      out.back().second = it;
      raw += it->raw_bytes;
    }
    return out;
  }

  // Replaces chunks [first, last] by one chunk under first's seq holding
  // their events in order; returns its stored size.
  Result<std::int64_t> Merge(const std::string& session_id, ChunkIt first, ChunkIt last) {
    EventChunk merged;
    merged.session_id = session_id;
    merged.seq = first->seq;
    merged.codec = "zstd";
    std::string events = "[";
    std::vector<ChunkContent> identities;
    for (auto it = first; it <= last; ++it) {
      INCUERA_ASSIGN_OR_RETURN(EventChunk chunk, Read(session_id, it->seq));
      for (ChunkContent& held : Identities(chunk.event_count, it->content_hash)) {
        identities.push_back(std::move(held));
      }
      INCUERA_ASSIGN_OR_RETURN(std::string_view elements, ArrayElements(chunk.payload, chunk.seq));
      if (!elements.empty()) {
        if (events.size() > 1) events += ',';
        events += elements;
      }
      merged.event_count += chunk.event_count;
      if (chunk.first_ts && (!merged.first_ts || chunk.first_ts < merged.first_ts)) {
        merged.first_ts = chunk.first_ts;
      }
      merged.last_ts = std::max(merged.last_ts, chunk.last_ts);
      if (!merged.created_at || chunk.created_at < merged.created_at) {
        merged.created_at = chunk.created_at;
      }
    }
    events += ']';
    merged.raw_bytes = static_cast<std::int64_t>(events.size());
    INCUERA_ASSIGN_OR_RETURN(std::string payload, compactor_.Compress(events));
    auto stored = static_cast<std::int64_t>(payload.size());
    bool postgres = db_.dialect() == Dialect::kPostgres;
    if (postgres) payload = HexEncode(payload);
    long long count = std::distance(first, last) + 1;
    std::int64_t stored_change = stored;
    for (auto it = first; it <= last; ++it) stored_change -= it->stored_bytes;
    INCUERA_RETURN_IF_ERROR(db_.InTransaction([&](Connection& c) -> Status {
      auto deleted =
          c.Run("DELETE FROM event_chunks WHERE session_id = :s AND seq >= :a AND seq <= :b",
                soci::use(session_id), soci::use(first->seq), soci::use(last->seq));
      if (deleted.affected_rows != count) {
        return Unavailable("the session's chunks changed while being compacted");
      }
      // A finished session takes no more batches, but a repeat of one it
      // stored may still come (to it or to the visit's next part): the
      // merged chunk keeps the identities of the newest of its batches.
      merged.content_hash = MergedIdentities(identities);
      soci::indicator hash_ind = merged.content_hash.empty() ? soci::i_null : soci::i_ok;
      auto inserted =
          c.Run(postgres ? kInsertChunkPostgres : kInsertChunkSqlite, soci::use(session_id),
                soci::use(merged.seq), soci::use(merged.first_ts), soci::use(merged.last_ts),
                soci::use(merged.event_count), soci::use(merged.raw_bytes), soci::use(merged.codec),
                soci::use(payload), soci::use(merged.created_at),
                soci::use(merged.content_hash, hash_ind));
      if (inserted.affected_rows != 1) {
        return Internal("the compacted chunk of session " + session_id + " was not stored");
      }
      c.Run("UPDATE event_chunks SET last_seq = :l WHERE session_id = :s AND seq = :q",
            soci::use(last->seq), soci::use(session_id), soci::use(merged.seq));
      c.Run("UPDATE sessions SET event_bytes = event_bytes + :d WHERE id = :s",
            soci::use(stored_change), soci::use(session_id));
      return OkStatus();
    }));
    return stored;
  }

  Database& db_;
  ZstdCompressor compressor_{3};
  ZstdCompressor compactor_{9};
};

}  // namespace

std::unique_ptr<EventRepository> NewEventRepository(Database& db) {
  return std::make_unique<SociEventRepository>(db);
}

}  // namespace incuera::internal
