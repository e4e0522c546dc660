/// Writes, for one service, its method descriptors, a typed client and the protocol a server
/// implements. (Filled in with the RPC layer.)
struct ServiceEmitter {
    let service: ServiceDescriptor
    let package: String
    let module: String
    let registry: TypeRegistry
    let comments: [[Int32]: String]
    let path: [Int32]

    func emit(into printer: inout CodePrinter) throws(GeneratorError) {
    }
}
