// The HTTP/1.1 plumbing of the fake CLOB: a keep-alive server on loopback with one thread per
// connection, requests parsed into method, path, query, headers and exact body bytes. A handler
// may ask for the connection to be closed without an answer (the "accepted, then dropped" fault).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace betteroms::test {

struct HttpRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::string path;                            // without the query
  std::map<std::string, std::string> query;    // not URL-decoded; the fake's values need none
  std::map<std::string, std::string> headers;  // names lower case
  std::string body;                            // the exact bytes sent

  // The header's value, or "" (`name` in lower case).
  std::string Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool drop = false;  // close the connection without writing anything
  // Write the head and half the body, then reset the connection (RST): a connection that dies
  // mid-response.
  bool cut = false;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpServer() = default;
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on 127.0.0.1:`port` (0 picks a free one) and serves every request with `handler`,
  // from several threads at once. Returns false when it cannot listen.
  bool Start(int port, Handler handler);
  // Stops accepting, lets the connection threads finish and joins them. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  void AcceptLoop();
  void Serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

std::map<std::string, std::string> ParseQuery(const std::string& query);

}  // namespace betteroms::test
