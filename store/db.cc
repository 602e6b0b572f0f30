#include "store/db.h"

#include <condition_variable>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace betteroms::store {
namespace {

std::string Quote(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string ConnError(PGconn* conn) {
  std::string msg = PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // libpq repeats "connection to server at ... failed:" per address; the last line is the cause.
  if (size_t nl = msg.rfind('\n'); nl != std::string::npos) msg = msg.substr(nl + 1);
  return msg;
}

}  // namespace

Params& Params::Add(std::string value) {
  values_.emplace_back(std::move(value));
  return *this;
}
Params& Params::Add(int64_t value) { return Add(std::to_string(value)); }
Params& Params::Add(bool value) { return Add(std::string(value ? "true" : "false")); }
Params& Params::AddNull() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += Quote(values[i]);
  }
  return out + "}";
}

std::string NullableTextArray(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += values[i] ? Quote(*values[i]) : "NULL";
  }
  return out + "}";
}

std::string IntArray(const std::vector<int64_t>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

int64_t Result::Int(int row, int col) const {
  int64_t v = 0;
  (void)absl::SimpleAtoi(PQgetvalue(res_.get(), row, col), &v);
  return v;
}

std::optional<int64_t> Result::OptInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

std::optional<std::string> Result::OptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

int64_t Result::affected() const {
  int64_t v = 0;
  (void)absl::SimpleAtoi(PQcmdTuples(res_.get()), &v);
  return v;
}

absl::StatusCode CodeForSqlState(const std::string& state) {
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (state == "23503" || state == "23514") return absl::StatusCode::kFailedPrecondition;
  if (state == "40001" || state == "40P01") return absl::StatusCode::kAborted;
  if (absl::StartsWith(state, "08") || state == "57P01" || state == "57P03") {
    return absl::StatusCode::kUnavailable;
  }
  return absl::StatusCode::kInternal;  // our SQL or our data is wrong
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  if (url.empty()) return absl::InvalidArgumentError("store: DATABASE_URL is not set");
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return absl::ResourceExhaustedError("store: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = ConnError(conn);
    PQfinish(conn);
    bool malformed = absl::StrContains(msg, "invalid") && absl::StrContains(msg, "option");
    return absl::Status(
        malformed ? absl::StatusCode::kInvalidArgument : absl::StatusCode::kUnavailable,
        absl::StrCat("store: cannot connect to PostgreSQL: ", msg));
  }
  // Quiet NOTICEs (e.g. "relation already exists, skipping") instead of printing them to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

absl::Status Connection::ResultError(const std::string& context, PGresult* raw) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    PQreset(conn_);  // usable again for the next caller if the server is back
    prepared_.clear();
    return absl::UnavailableError(
        absl::StrCat("store: ", context, ": connection to PostgreSQL lost"));
  }
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = raw ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return absl::Status(CodeForSqlState(state ? state : ""),
                      absl::StrCat("store: ", context, ": ", primary ? primary : ConnError(conn_)));
}

absl::StatusOr<std::string> Connection::Prepared(const std::string& context, const std::string& sql,
                                                 int param_count) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return it->second;
  std::string name = "s" + std::to_string(prepared_.size() + 1);
  ++statements_;
  PGresult* raw = PQprepare(conn_, name.c_str(), sql.c_str(), param_count, nullptr);
  Result res(raw);
  if (raw == nullptr || PQresultStatus(raw) != PGRES_COMMAND_OK) return ResultError(context, raw);
  prepared_.emplace(sql, name);
  return name;
}

absl::StatusOr<Result> Connection::Exec(const std::string& context, const std::string& sql,
                                        const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  auto name = Prepared(context, sql, static_cast<int>(values.size()));
  if (!name.ok()) return name.status();
  ++statements_;
  PGresult* raw = PQexecPrepared(conn_, name->c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0);
  Result res(raw);
  ExecStatusType st = PQresultStatus(raw);
  if (raw != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) return res;
  return ResultError(context, raw);
}

absl::Status Connection::ExecScript(const std::string& context, const std::string& sql) {
  ++statements_;
  PGresult* raw = PQexec(conn_, sql.c_str());
  Result res(raw);
  ExecStatusType st = PQresultStatus(raw);
  if (raw != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) return absl::OkStatus();
  return ResultError(context, raw);
}

absl::Status InTransaction(Connection& conn, const std::function<absl::Status(Connection&)>& body) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::Status begin = conn.ExecScript("begin", "BEGIN");
    if (!begin.ok()) return begin;
    last = body(conn);
    if (last.ok()) {
      absl::Status commit = conn.ExecScript("commit", "COMMIT");
      if (commit.ok()) return absl::OkStatus();
      last = commit;
    } else {
      (void)conn.ExecScript("rollback", "ROLLBACK");
    }
    if (last.code() != absl::StatusCode::kAborted) return last;
  }
  return last;
}

Pool::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

absl::StatusOr<Pool::Lease> Pool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  auto conn = Connection::Open(url_);
  if (!conn.ok()) {
    std::lock_guard<std::mutex> relock(mu_);
    --open_;
    cv_.notify_one();
    return conn.status();
  }
  return Lease(this, std::move(*conn));
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->Healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

}  // namespace betteroms::store
