// api METHOD [JSON|-]: any OrderManager RPC, found in the compiled-in descriptors and called
// generically, proto JSON in and out, so a new RPC is usable from the day it is declared.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>

#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"

namespace betteroms::omsctl {
namespace {

namespace pb = google::protobuf;

// The OrderManager service in the generated pool. Going through a message's descriptor makes the
// linker keep oms.pb.cc, whose static initialiser registers the file with the pool.
const pb::ServiceDescriptor& OrderManagerDescriptor() {
  const pb::ServiceDescriptor* service =
      v1::SubmitPlanRequest::descriptor()->file()->pool()->FindServiceByName(
          v1::OrderManager::service_full_name());
  if (service == nullptr) {  // a build that lost oms.proto: nothing here can work
    std::cerr << "omsctl: no descriptor for " << v1::OrderManager::service_full_name() << "\n";
    std::abort();
  }
  return *service;
}

// "SubmitPlan", "betteroms.v1.OrderManager/SubmitPlan" (with or without a leading '/', as gRPC
// writes the path) or "betteroms.v1.OrderManager.SubmitPlan". InvalidArgument otherwise.
absl::StatusOr<const pb::MethodDescriptor*> FindMethod(const std::string& name) {
  const pb::ServiceDescriptor& service = OrderManagerDescriptor();
  absl::string_view short_name = name;
  absl::ConsumePrefix(&short_name, "/");
  const std::string& full = service.full_name();
  if (absl::StartsWith(short_name, full) && short_name.size() > full.size() &&
      (short_name[full.size()] == '/' || short_name[full.size()] == '.')) {
    short_name.remove_prefix(full.size() + 1);
  }
  const pb::MethodDescriptor* method = service.FindMethodByName(std::string(short_name));
  if (method == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no method \"", name, "\" in ", full, "; see omsctl api --list"));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat(method->name(), " streams; omsctl api calls unary methods only"));
  }
  return method;
}

// A field's type as it would be declared: "string", "repeated betteroms.v1.Trade",
// "map<string, string>", "betteroms.v1.Side (BUY|SELL)".
std::string FieldType(const pb::FieldDescriptor& field) {
  if (field.is_map()) {
    const pb::Descriptor& entry = *field.message_type();
    return absl::StrCat("map<", FieldType(*entry.map_key()), ", ", FieldType(*entry.map_value()),
                        ">");
  }
  std::string type = field.type_name();
  if (field.message_type() != nullptr) type = field.message_type()->full_name();
  if (const pb::EnumDescriptor* e = field.enum_type(); e != nullptr) {
    std::vector<std::string> values;
    values.reserve(e->value_count());
    for (int i = 0; i < e->value_count(); ++i) values.push_back(e->value(i)->name());
    type = absl::StrCat(e->full_name(), " (", absl::StrJoin(values, "|"), ")");
  }
  return field.is_repeated() ? "repeated " + type : type;
}

// Every method with its request type and the request's fields under their JSON names.
std::string MethodList() {
  const pb::ServiceDescriptor& service = OrderManagerDescriptor();
  std::string out;
  for (int i = 0; i < service.method_count(); ++i) {
    const pb::MethodDescriptor& method = *service.method(i);
    absl::StrAppend(&out, method.name(), "(", method.input_type()->full_name(), ") returns (",
                    method.output_type()->full_name(), ")\n");
    const pb::Descriptor& request = *method.input_type();
    if (request.field_count() == 0) absl::StrAppend(&out, "  (no fields)\n");
    for (int f = 0; f < request.field_count(); ++f) {
      absl::StrAppend(&out, "  ", request.field(f)->json_name(), ": ", FieldType(*request.field(f)),
                      "\n");
    }
  }
  return out;
}

// The request text: the argument, standard input for "-", "{}" when there is none.
absl::StatusOr<std::string> RequestText(const std::string& argument) {
  if (argument.empty()) return std::string("{}");
  if (argument != "-") return argument;
  std::string text(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>{});
  // An empty pipe is more often a failed producer than a wish to send {}.
  if (absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError("nothing on standard input");
  }
  return text;
}

// Sends `request` to `method` as a generic unary call and parses the answer into `response`.
grpc::Status CallUnary(Client& client, const pb::MethodDescriptor& method,
                       const pb::Message& request, pb::Message* response) {
  grpc::ByteBuffer request_bytes;
  bool own_buffer = false;
  grpc::Status st =
      grpc::SerializationTraits<pb::Message>::Serialize(request, &request_bytes, &own_buffer);
  if (!st.ok()) return st;
  grpc::GenericStub stub(client.channel());
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  grpc::CompletionQueue cq;
  std::string path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(context.get(), path, request_bytes, &cq);
  call->StartCall();
  grpc::ByteBuffer response_bytes;
  call->Finish(&response_bytes, &st, &st);
  void* tag = nullptr;
  bool ok = false;
  // The one event is Finish; the context's deadline bounds the wait.
  bool got = cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!got) return {grpc::StatusCode::INTERNAL, "completion queue shut down"};
  if (!st.ok()) return st;
  grpc::Status parsed =
      grpc::SerializationTraits<pb::Message>::Deserialize(&response_bytes, response);
  if (!parsed.ok()) {
    return {grpc::StatusCode::INTERNAL,
            absl::StrCat("response from ", method.name(), ": ", parsed.error_message())};
  }
  return parsed;
}

// Runs `omsctl api`; returns the exit code.
int RunApi(Client& client, const std::string& name, const std::string& argument, bool list) {
  if (list) {
    std::cout << MethodList();
    return kOk;
  }
  if (name.empty()) {
    return UsageError(absl::InvalidArgumentError("api: give a METHOD, or --list to see them"));
  }
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(name);
  if (!method.ok()) return UsageError(method.status());
  absl::StatusOr<std::string> text = RequestText(argument);
  if (!text.ok()) {
    return UsageError(absl::InvalidArgumentError(
        absl::StrCat("request for ", (*method)->name(), ": ", text.status().message())));
  }
  // Dynamic messages from the generated descriptors: the command needs no code per method.
  pb::DynamicMessageFactory factory;
  std::unique_ptr<pb::Message> request(factory.GetPrototype((*method)->input_type())->New());
  std::unique_ptr<pb::Message> response(factory.GetPrototype((*method)->output_type())->New());
  if (auto parsed = pb::util::JsonStringToMessage(*text, request.get()); !parsed.ok()) {
    // The parser follows its first line with a caret drawing of the input; one line is enough.
    std::string message(parsed.message());
    message = std::string(absl::StripAsciiWhitespace(message.substr(0, message.find('\n'))));
    return UsageError(
        absl::InvalidArgumentError(absl::StrCat("request for ", (*method)->name(), ": ", message)));
  }
  if (absl::Status connected = client.Connect(); !connected.ok()) return UsageError(connected);
  grpc::Status st = CallUnary(client, **method, *request, response.get());
  if (!st.ok()) return client.Error(st);
  std::cout << ToJson(*response) << "\n";
  return kOk;
}

}  // namespace

void AddApiCommand(CLI::App& app, Client& client, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto argument = std::make_shared<std::string>();
  auto list = std::make_shared<bool>(false);
  CLI::App* api = app.add_subcommand(
      "api", "call any OrderManager RPC by name with a JSON request; prints the JSON answer");
  api->add_option("method", *name, "SubmitPlan, or betteroms.v1.OrderManager/SubmitPlan");
  api->add_option("request", *argument,
                  "the request as proto JSON; - reads standard input; omitted sends {}");
  api->add_flag("--list", *list, "print every method with its request type and fields");
  api->footer(
      "The request is proto JSON with the API's lowerCamel field names, as -o json prints them;\n"
      "the answer is printed as JSON whatever -o says. Exit codes as for every command: 0 ok,\n"
      "1 other error, 2 invalid input (unknown method, malformed request, not found),\n"
      "3 unavailable, 4 conflict.\n"
      "Examples:\n"
      "  omsctl api --list\n"
      "  omsctl api GetRun '{\"planId\": \"my-plan-1\"}'\n"
      "  omsctl api ListOrders '{\"status\": \"open\", \"limit\": 10}'\n"
      "  jq -n --rawfile p plan.json '{planJson: $p}' | omsctl api SubmitPlan -");
  api->callback([&client, &exit_code, name, argument, list] {
    exit_code = RunApi(client, *name, *argument, *list);
  });
}

}  // namespace betteroms::omsctl
