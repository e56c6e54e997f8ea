// Event chunks over SOCI: zstd-compressed at rest, appended together with the
// session's counters.
#include <string>
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

// The chunk insert per dialect: PostgreSQL receives the payload hex-encoded
// (SOCI 4.0 cannot bind bytea) and decodes it.
constexpr const char* kInsertChunkSqlite =
    "INSERT INTO event_chunks (session_id, seq, first_ts, last_ts, event_count, raw_bytes, codec, "
    "payload, created_at) VALUES (:s, :q, :f, :l, :n, :r, :c, CAST(:p AS BLOB), :t) "
    "ON CONFLICT (session_id, seq) DO NOTHING";
constexpr const char* kInsertChunkPostgres =
    "INSERT INTO event_chunks (session_id, seq, first_ts, last_ts, event_count, raw_bytes, codec, "
    "payload, created_at) VALUES (:s, :q, :f, :l, :n, :r, :c, decode(:p, 'hex'), :t) "
    "ON CONFLICT (session_id, seq) DO NOTHING";

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
    bool postgres = db_.dialect() == Dialect::kPostgres;
    if (postgres) payload = HexEncode(payload);
    TimeMs now = NowMs();
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
      auto inserted =
          c.Run(postgres ? kInsertChunkPostgres : kInsertChunkSqlite, soci::use(chunk.session_id),
                soci::use(result.seq), soci::use(chunk.first_ts), soci::use(chunk.last_ts),
                soci::use(chunk.event_count), soci::use(chunk.raw_bytes), soci::use(codec),
                soci::use(payload), soci::use(created));
      result.stored = inserted.affected_rows > 0;
      if (!result.stored) return OkStatus();
      c.Run(
          "UPDATE sessions SET event_count = event_count + :ec, byte_count = byte_count + :bc, "
          "chunk_count = chunk_count + 1, error_count = error_count + :er, "
          "page_count = page_count + :pc, "
          "last_event_at = CASE WHEN last_event_at < :l1 THEN :l2 ELSE last_event_at END, "
          "started_at = CASE WHEN CAST(:f1 AS bigint) > 0 AND (started_at = 0 OR :f2 < "
          "started_at) THEN :f3 "
          "ELSE started_at END, "
          "url = CASE WHEN url = '' THEN :url ELSE url END, "
          "last_seen_at = CASE WHEN last_seen_at < :c1 THEN :c2 ELSE last_seen_at END, "
          "updated_at = :u WHERE id = :id",
          soci::use(stats.event_count), soci::use(stats.raw_bytes), soci::use(stats.error_count),
          soci::use(stats.page_count), soci::use(stats.last_ts), soci::use(stats.last_ts),
          soci::use(stats.first_ts), soci::use(stats.first_ts), soci::use(stats.first_ts),
          soci::use(stats.first_url), soci::use(created), soci::use(created), soci::use(now),
          soci::use(chunk.session_id));
      return OkStatus();
    }));
    return result;
  }

  Status ForEach(const std::string& session_id,
                 const std::function<Status(const EventChunk&)>& visit) override {
    if (!IsUuid(session_id)) return OkStatus();
    bool postgres = db_.dialect() == Dialect::kPostgres;
    // Seqs first, then one chunk at a time: the visitor may be slow (it
    // streams to a client) and must not hold a cursor open meanwhile.
    std::vector<long long> seqs;
    INCUERA_RETURN_IF_ERROR(db_.With([&](soci::session& s) {
      long long seq = 0;
      soci::statement st = (s.prepare << "SELECT seq FROM event_chunks WHERE session_id = :s "
                                         "ORDER BY seq",
                            soci::use(session_id), soci::into(seq));
      st.execute();
      while (st.fetch()) seqs.push_back(seq);
      return OkStatus();
    }));
    for (long long seq : seqs) {
      EventChunk chunk;
      bool found = false;
      INCUERA_RETURN_IF_ERROR(db_.With([&](soci::session& s) {
        s << std::string(
                 "SELECT session_id, seq, first_ts, last_ts, event_count, raw_bytes, "
                 "codec, ") +
                 (postgres ? "encode(payload, 'hex')" : "payload") +
                 ", created_at FROM event_chunks WHERE session_id = :s AND seq = :q",
            soci::use(session_id), soci::use(seq), soci::into(chunk.session_id),
            soci::into(chunk.seq), soci::into(chunk.first_ts), soci::into(chunk.last_ts),
            soci::into(chunk.event_count), soci::into(chunk.raw_bytes), soci::into(chunk.codec),
            soci::into(chunk.payload), soci::into(chunk.created_at);
        found = s.got_data();
        return OkStatus();
      }));
      if (!found) continue;  // deleted meanwhile
      if (postgres) {
        INCUERA_ASSIGN_OR_RETURN(chunk.payload, HexDecode(chunk.payload));
      }
      if (chunk.codec == "zstd") {
        INCUERA_ASSIGN_OR_RETURN(chunk.payload, ZstdDecompress(chunk.payload));
        chunk.codec = "none";
      }
      INCUERA_RETURN_IF_ERROR(visit(chunk));
    }
    return OkStatus();
  }

  Status DeleteForSession(const std::string& session_id) override {
    if (!IsUuid(session_id)) return OkStatus();
    return db_.Write([&](soci::session& s) {
      s << "DELETE FROM event_chunks WHERE session_id = :s", soci::use(session_id);
      return OkStatus();
    });
  }

 private:
  Database& db_;
  ZstdCompressor compressor_{3};
};

}  // namespace

std::unique_ptr<EventRepository> NewEventRepository(Database& db) {
  return std::make_unique<SociEventRepository>(db);
}

}  // namespace incuera::internal
