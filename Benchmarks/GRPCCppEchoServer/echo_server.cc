// The transport benchmark's gRPC C++ peer: /bench.Echo/Unary on gRPC C++ (Debian's
// libgrpc++-dev, 1.51), a callback generic service that returns each request message unchanged.
//   grpc-cpp-echo-server --port N
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>

namespace {

// Reads the one request message, writes it back, finishes OK.
class EchoReactor : public grpc::ServerGenericBidiReactor {
 public:
  EchoReactor() { StartRead(&message_); }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, "no request message"));
      return;
    }
    StartWrite(&message_);
  }
  void OnWriteDone(bool) override { Finish(grpc::Status::OK); }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer message_;
};

// Answers every method other than /bench.Echo/Unary with UNIMPLEMENTED.
class UnimplementedReactor : public grpc::ServerGenericBidiReactor {
 public:
  UnimplementedReactor() { Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "")); }
  void OnDone() override { delete this; }
};

class EchoService : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    if (context->method() == "/bench.Echo/Unary") return new EchoReactor();
    return new UnimplementedReactor();
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string port;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
  }
  if (port.empty()) {
    std::cerr << "usage: grpc-cpp-echo-server --port N" << std::endl;
    return 2;
  }
  EchoService service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + port, grpc::InsecureServerCredentials());
  builder.RegisterCallbackGenericService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  std::cout << "listening on " << port << std::endl;
  server->Wait();
  return 0;
}
