// PostgreSQL access over libpq: connections, parameterised statements, transactions, and the
// mapping of SQLSTATEs to absl::Status codes. SQL text never contains values.
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

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

// The rows of one statement. Text format only.
class Result {
 public:
  explicit Result(PGresult* res) : res_(res, &PQclear) {}
  int rows() const { return PQntuples(res_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
  std::string Text(int row, int col) const { return PQgetvalue(res_.get(), row, col); }
  int64_t Int(int row, int col) const;
  std::optional<int64_t> OptInt(int row, int col) const;
  std::optional<std::string> OptText(int row, int col) const;
  bool Bool(int row, int col) const { return Text(row, col) == "t"; }
  int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> res_;
};

class Connection {
 public:
  // Connects to `url` (a libpq URI or key=value string). Unavailable when the server cannot be
  // reached, InvalidArgument when the URL is malformed.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& url);
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
  explicit Connection(PGconn* conn) : conn_(conn) {}
  absl::Status ResultError(const std::string& context, PGresult* raw);
  // The name of `sql` as a prepared statement on this connection, preparing it on first use so
  // PostgreSQL parses and plans each statement once per connection, not once per call.
  absl::StatusOr<std::string> Prepared(const std::string& context, const std::string& sql,
                                       int param_count);

  PGconn* conn_;
  int64_t statements_ = 0;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
};

// Runs `body` between BEGIN and COMMIT; rolls back when it returns an error or COMMIT fails.
// Retries up to 3 times when the error is Aborted (serialisation failure, deadlock).
absl::Status InTransaction(Connection& conn, const std::function<absl::Status(Connection&)>& body);

// A bounded set of connections shared by request threads.
class Pool {
 public:
  Pool(std::string url, int max_size) : url_(std::move(url)), max_size_(max_size) {}

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Returns an idle connection, opens one, or waits for one; Unavailable if connecting fails.
  absl::StatusOr<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> conn);

  std::string url_;
  int max_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

// Maps a failed result's SQLSTATE to a status code (STYLE.md table).
absl::StatusCode CodeForSqlState(const std::string& sqlstate);

}  // namespace betteroms::store
