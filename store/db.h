// PostgreSQL access over libpq: connections, parameterised statements, transactions, typed row
// reading, and the mapping of SQLSTATEs to absl::Status codes. SQL text never contains values.
// libpq itself stays in db.cc.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

struct pg_conn;    // libpq's PGconn
struct pg_result;  // libpq's PGresult

namespace betteroms::store {

// Positional parameters ($1, $2, ...) as text; nullopt is SQL NULL.
class Params {
 public:
  Params& Add(std::string value);
  Params& Add(std::string_view value) { return Add(std::string(value)); }
  Params& Add(const char* value) { return Add(std::string(value)); }
  Params& Add(int64_t value);
  Params& Add(int value) { return Add(static_cast<int64_t>(value)); }
  Params& Add(bool value);
  Params& AddNull();
  template <typename T>
  Params& AddOptional(const std::optional<T>& value) {
    return value ? Add(*value) : AddNull();
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// Builds a Postgres array literal ({"a","b"}) for unnest()-based batch statements.
std::string TextArray(const std::vector<std::string>& values);
std::string IntArray(const std::vector<int64_t>& values);
// Elements may be NULL.
std::string NullableTextArray(const std::vector<std::optional<std::string>>& values);

class RowReader;

// The rows of one statement. Text format only.
class Result {
 public:
  explicit Result(pg_result* res);
  int rows() const;
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t affected() const;
  // The column's index, or -1 when the result has no such column.
  int Column(std::string_view name) const;
  bool IsNull(int row, int col) const;
  std::string Text(int row, int col) const;
  // A typed reader of one row.
  RowReader Row(int row) const;

 private:
  std::shared_ptr<pg_result> res_;
  // Column name -> index (the first, for a repeated name), built once; null without columns.
  std::shared_ptr<const std::map<std::string, int, std::less<>>> columns_;
};

// Reads one row's values by column name (or index), converted to their types. It refers to its
// Result, which must outlive it. The first value
// that is missing, NULL where a value is required, or does not parse is remembered: status()
// reports it, naming the column and the text, and later reads return defaults.
//   RowReader r = res.Row(i);
//   order.id = r.Int("id");
//   order.status = r.Enum("status", ParseOrderStatusSql);
//   OMS_RETURN_IF_ERROR(r.status());
class RowReader {
 public:
  RowReader(const Result& result, int row) : result_(result), row_(row) {}

  std::string Text(std::string_view column);
  std::optional<std::string> OptText(std::string_view column);
  int64_t Int(std::string_view column);
  std::optional<int64_t> OptInt(std::string_view column);
  bool Bool(std::string_view column);
  // RFC 3339 text, as oms_rfc3339() writes it.
  absl::Time Time(std::string_view column);
  std::optional<absl::Time> OptTime(std::string_view column);
  template <typename E>
  E Enum(std::string_view column, absl::StatusOr<E> (*parse)(std::string_view)) {
    std::optional<std::string> text = Required(column);
    if (!text) return E{};
    absl::StatusOr<E> v = parse(*text);
    if (v.ok()) return *v;
    Fail(column, std::string(v.status().message()));
    return E{};
  }
  // The same by index, for ad-hoc queries.
  std::string Text(int col) const { return result_.Text(row_, col); }
  int64_t Int(int col);
  bool Bool(int col) { return result_.Text(row_, col) == "t"; }

  const absl::Status& status() const { return status_; }

 private:
  // The column's text; nullopt when NULL (not an error) or on an error (remembered).
  std::optional<std::string> Value(std::string_view column);
  std::optional<std::string> Required(std::string_view column);
  void Fail(std::string_view column, const std::string& problem);

  const Result& result_;
  int row_;
  absl::Status status_;
};

// Limits every connection carries, so a dead server or a runaway statement cannot hold a request
// forever. A setting in the URL wins over these (an `options` there replaces ours whole), and so do
// PGCONNECT_TIMEOUT and PGOPTIONS in the environment.
struct ConnectOptions {
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration statement_timeout = absl::Seconds(30);  // zero: none (migrations)
  absl::Duration keepalive_idle = absl::Seconds(30);     // TCP keepalives find a silent peer
};

class Connection {
 public:
  // Connects to `url` (a libpq URI or key=value string). Unavailable when the server cannot be
  // reached, InvalidArgument when the URL is malformed.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& url,
                                                          const ConnectOptions& options = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one parameterised statement. `context` prefixes error messages ("insert order").
  absl::StatusOr<Result> Exec(const std::string& context, const std::string& sql,
                              const Params& params = Params());
  // Runs a script of several statements without parameters (migrations only).
  absl::Status ExecScript(const std::string& context, const std::string& sql);
  // True when the connection is usable.
  bool Healthy() const;
  // Statements sent on this connection so far (round trips), for logs and benchmarks.
  int64_t statements() const { return statements_; }

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  absl::Status ResultError(const std::string& context, pg_result* raw);
  // The name of `sql` as a prepared statement on this connection, preparing it on first use so
  // PostgreSQL parses and plans each statement once per connection, not once per call.
  absl::StatusOr<std::string> Prepared(const std::string& context, const std::string& sql,
                                       int param_count);

  pg_conn* conn_;
  int64_t statements_ = 0;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
};

// Runs `body` between BEGIN and COMMIT; rolls back when it returns an error or COMMIT fails.
// Retries up to 3 times when the error is Aborted (serialisation failure, deadlock).
absl::Status InTransaction(Connection& conn, const std::function<absl::Status(Connection&)>& body);

// Inside a transaction: its COMMIT returns before the disk has it (synchronous_commit off). For
// writes that a later synchronous commit must precede anyway: that one flushes both.
absl::Status CommitWithoutWaitingForDisk(Connection& conn);

// Transactions InTransaction committed in this process: what a run costs in commits.
int64_t TransactionsCommitted();

// Statements executed (parameterised ones and scripts such as BEGIN) by this thread, on any
// connection: a request's cost in statements is the difference across its handler, which runs
// on one thread. Per thread so that the health check and other requests do not count.
int64_t StatementsOnThisThread();
// Statements this thread prepared: one round trip more for each SQL text the first time it runs
// on a connection.
int64_t PreparesOnThisThread();

// A bounded set of connections shared by request threads.
class Pool {
 public:
  Pool(std::string url, int max_size, ConnectOptions options = {})
      : url_(std::move(url)), max_size_(max_size), options_(options) {}

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Returns an idle connection, opens one, or waits for one until `deadline`: DeadlineExceeded
  // when none frees up in time, Unavailable if connecting fails.
  absl::StatusOr<Lease> Acquire(absl::Time deadline = absl::InfiniteFuture());

 private:
  // Acquire without the wait metric.
  absl::StatusOr<Lease> AcquireUntil(absl::Time deadline);
  void Release(std::unique_ptr<Connection> conn);

  std::string url_;
  int max_size_;
  ConnectOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

// OK once the database answers a trivial statement on `conn`.
absl::Status Ping(Connection& conn);

// Maps a failed result's SQLSTATE to a status code (STYLE.md table).
absl::StatusCode CodeForSqlState(const std::string& sqlstate);

}  // namespace betteroms::store
