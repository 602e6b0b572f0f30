#include "store/db.h"

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/metrics.h"
#include "common/time.h"

namespace betteroms::store {
namespace {

std::atomic<int64_t> commits{0};
thread_local int64_t statements_on_thread = 0;
thread_local int64_t prepares_on_thread = 0;

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

Result::Result(pg_result* res) : res_(res, &PQclear) {
  int fields = PQnfields(res);
  if (fields == 0) return;
  auto columns = std::make_shared<std::map<std::string, int, std::less<>>>();
  for (int i = 0; i < fields; ++i) columns->emplace(PQfname(res, i), i);  // keeps the first
  columns_ = std::move(columns);
}
int Result::rows() const { return PQntuples(res_.get()); }
int Result::Column(std::string_view name) const {
  // PQfnumber on a copy of the name, for every value read, cost an allocation and a comparison
  // with each column in turn: about a fifth of the server's CPU in a 1,000-order tick. A name of
  // lower-case letters, digits and underscores is one PQfnumber matches verbatim (it folds case
  // and strips quotes only otherwise), so those come from the map; others keep its rules.
  bool verbatim = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!verbatim) return PQfnumber(res_.get(), std::string(name).c_str());
  if (columns_ == nullptr) return -1;
  auto it = columns_->find(name);
  return it == columns_->end() ? -1 : it->second;
}
bool Result::IsNull(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
std::string Result::Text(int row, int col) const { return PQgetvalue(res_.get(), row, col); }
RowReader Result::Row(int row) const { return {*this, row}; }

int64_t Result::affected() const {
  int64_t v = 0;
  (void)absl::SimpleAtoi(PQcmdTuples(res_.get()), &v);  // empty for statements without a count
  return v;
}

void RowReader::Fail(std::string_view column, const std::string& problem) {
  if (status_.ok()) {
    status_ =
        absl::InternalError(absl::StrCat("store: column ", std::string(column), ": ", problem));
  }
}

std::optional<std::string> RowReader::Value(std::string_view column) {
  if (!status_.ok()) return std::nullopt;
  int col = result_.Column(column);
  if (col < 0) {
    Fail(column, "not in the result");
    return std::nullopt;
  }
  if (result_.IsNull(row_, col)) return std::nullopt;
  return result_.Text(row_, col);
}

std::optional<std::string> RowReader::Required(std::string_view column) {
  std::optional<std::string> v = Value(column);
  if (!v && status_.ok()) Fail(column, "is NULL");
  return v;
}

std::string RowReader::Text(std::string_view column) { return Required(column).value_or(""); }
std::optional<std::string> RowReader::OptText(std::string_view column) { return Value(column); }

std::optional<int64_t> RowReader::OptInt(std::string_view column) {
  std::optional<std::string> text = Value(column);
  if (!text) return std::nullopt;
  int64_t v = 0;
  if (!absl::SimpleAtoi(*text, &v)) {
    Fail(column, absl::StrCat("\"", *text, "\" is not an integer"));
    return std::nullopt;
  }
  return v;
}

int64_t RowReader::Int(std::string_view column) {
  if (!Required(column)) return 0;
  return OptInt(column).value_or(0);
}

int64_t RowReader::Int(int col) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(result_.Text(row_, col), &v)) {
    Fail(absl::StrCat("#", col),
         absl::StrCat("\"", result_.Text(row_, col), "\" is not an integer"));
  }
  return v;
}

bool RowReader::Bool(std::string_view column) {
  std::optional<std::string> text = Required(column);
  if (!text) return false;
  if (*text != "t" && *text != "f") Fail(column, absl::StrCat("\"", *text, "\" is not a boolean"));
  return *text == "t";
}

std::optional<absl::Time> RowReader::OptTime(std::string_view column) {
  std::optional<std::string> text = Value(column);
  if (!text) return std::nullopt;
  absl::StatusOr<absl::Time> t = ParseTime(*text);
  if (!t.ok()) {
    Fail(column, std::string(t.status().message()));
    return std::nullopt;
  }
  return *t;
}

absl::Time RowReader::Time(std::string_view column) {
  if (!Required(column)) return absl::InfinitePast();
  return OptTime(column).value_or(absl::InfinitePast());
}

absl::StatusCode CodeForSqlState(const std::string& state) {
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (state == "23503" || state == "23514") return absl::StatusCode::kFailedPrecondition;
  if (state == "40001" || state == "40P01") return absl::StatusCode::kAborted;
  // statement_timeout, lock_timeout: the database gave up waiting, as a deadline does.
  if (state == "57014" || state == "55P03") return absl::StatusCode::kDeadlineExceeded;
  if (absl::StartsWith(state, "08") || state == "57P01" || state == "57P03") {
    return absl::StatusCode::kUnavailable;
  }
  return absl::StatusCode::kInternal;  // our SQL or our data is wrong
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                             const ConnectOptions& options) {
  if (url.empty()) return absl::InvalidArgumentError("store: DATABASE_URL is not set");
  // Our limits come before the URL, so a setting in the URL wins (libpq takes the last value); an
  // explicit keyword would hide the environment's PGCONNECT_TIMEOUT and PGOPTIONS, so those win
  // too.
  std::string connect_timeout =
      std::to_string(std::max<int64_t>(1, absl::ToInt64Seconds(options.connect_timeout)));
  std::string idle =
      std::to_string(std::max<int64_t>(1, absl::ToInt64Seconds(options.keepalive_idle)));
  std::string statement_timeout =
      absl::StrCat("-c statement_timeout=", absl::ToInt64Milliseconds(options.statement_timeout));
  std::vector<const char*> keys = {"keepalives", "keepalives_idle", "keepalives_interval",
                                   "keepalives_count"};
  std::vector<const char*> values = {"1", idle.c_str(), "10", "3"};
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) {
    keys.push_back("connect_timeout");
    values.push_back(connect_timeout.c_str());
  }
  if (std::getenv("PGOPTIONS") == nullptr) {
    keys.push_back("options");
    values.push_back(statement_timeout.c_str());
  }
  keys.push_back("dbname");
  values.push_back(url.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
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

absl::Status Connection::ResultError(const std::string& context, pg_result* raw) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    PQreset(conn_);  // usable again for the next caller if the server is back
    prepared_.clear();
    return absl::UnavailableError(
        absl::StrCat("store: ", context, ": connection to PostgreSQL lost"));
  }
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = raw ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return {CodeForSqlState(state ? state : ""),
          absl::StrCat("store: ", context, ": ", primary ? primary : ConnError(conn_))};
}

absl::StatusOr<std::string> Connection::Prepared(const std::string& context, const std::string& sql,
                                                 int param_count) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return it->second;
  std::string name = "s" + std::to_string(prepared_.size() + 1);
  ++statements_;
  ++prepares_on_thread;
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
  ++statements_on_thread;
  PGresult* raw = PQexecPrepared(conn_, name->c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0);
  Result res(raw);
  ExecStatusType st = PQresultStatus(raw);
  if (raw != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) return res;
  return ResultError(context, raw);
}

absl::Status Connection::ExecScript(const std::string& context, const std::string& sql) {
  ++statements_;
  ++statements_on_thread;
  PGresult* raw = PQexec(conn_, sql.c_str());
  Result res(raw);
  ExecStatusType st = PQresultStatus(raw);
  if (raw != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)) return absl::OkStatus();
  return ResultError(context, raw);
}

int64_t TransactionsCommitted() { return commits.load(); }

int64_t StatementsOnThisThread() { return statements_on_thread; }

int64_t PreparesOnThisThread() { return prepares_on_thread; }

absl::Status CommitWithoutWaitingForDisk(Connection& conn) {
  return conn.ExecScript("async commit", "SET LOCAL synchronous_commit TO OFF");
}

absl::Status InTransaction(Connection& conn, const std::function<absl::Status(Connection&)>& body) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::Status begin = conn.ExecScript("begin", "BEGIN");
    if (!begin.ok()) return begin;
    metrics::Stopwatch watch;
    last = body(conn);
    if (last.ok()) {
      absl::Status commit = conn.ExecScript("commit", "COMMIT");
      if (commit.ok()) {
        ++commits;
        metrics::ObserveTransaction("committed", watch.Seconds());
        return absl::OkStatus();
      }
      last = commit;
    } else {
      (void)conn.ExecScript("rollback", "ROLLBACK");
    }
    bool retry = last.code() == absl::StatusCode::kAborted;
    metrics::ObserveTransaction(retry ? "retried" : "rolled_back", watch.Seconds());
    if (!retry) return last;
  }
  return last;
}

absl::Status Ping(Connection& conn) { return conn.Exec("health", "SELECT 1").status(); }

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Pool::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

absl::StatusOr<Pool::Lease> Pool::Acquire(absl::Time deadline) {
  metrics::Stopwatch watch;
  absl::StatusOr<Lease> lease = AcquireUntil(deadline);
  metrics::ObservePoolWait(watch.Seconds());
  return lease;
}

absl::StatusOr<Pool::Lease> Pool::AcquireUntil(absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  auto ready = [&] { return !idle_.empty() || open_ < max_size_; };
  if (deadline == absl::InfiniteFuture()) {
    cv_.wait(lock, ready);
  } else if (!cv_.wait_until(lock, absl::ToChronoTime(deadline), ready)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "store: no database connection free within the deadline (", max_size_, " in use)"));
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  auto conn = Connection::Open(url_, options_);
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
