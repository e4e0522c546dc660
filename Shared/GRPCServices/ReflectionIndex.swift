import Wire

/// What server reflection knows: the `.proto` files compiled into the server (with their
/// imports) and the services it serves. Shared by the v1 and v1alpha reflection services.
public struct ReflectionIndex: Sendable {
    /// An answer to one reflection request.
    enum Answer {
        /// Serialized FileDescriptorProtos: the file asked for first, then its imports.
        case files([[UInt8]])
        /// The names of the services served.
        case services([String])
        /// A gRPC status code and message.
        case error(code: Int32, message: String)
    }

    /// Each file's answer: its serialized descriptor, then its imports' (transitively, each
    /// once). Decoded and gathered once here: reflection is public, and decoding the descriptors
    /// again for every request let a peer asking many times keep the event loops busy.
    private let answers: [String: [[UInt8]]]
    private let fileBySymbol: [String: String]
    private let serviceNames: [String]

    /// An index of `files` (their imports must be among them) for a server serving `services`.
    public init(files: [ProtoFile], services: [String]) {
        var byName: [String: ProtoFile] = [:]
        var bySymbol: [String: String] = [:]
        for file in files {
            byName[file.name] = file
            for symbol in file.symbols { bySymbol[symbol] = file.name }
        }
        let descriptors = byName.mapValues { $0.serializedDescriptor }
        self.answers = byName.mapValues { file in
            Self.withDependencies(file.name, files: byName).compactMap { descriptors[$0] }
        }
        self.fileBySymbol = bySymbol
        self.serviceNames = services.sorted()
    }

    func fileByName(_ name: String) -> Answer {
        guard let answer = answers[name] else { return .error(code: 5, message: "file '\(name)' is not known") }
        return .files(answer)
    }

    func fileContaining(symbol: String) -> Answer {
        var candidate = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
        while !candidate.isEmpty {
            if let file = fileBySymbol[candidate], let answer = answers[file] { return .files(answer) }
            // A field or enum value: look for its enclosing type.
            guard let dot = candidate.lastIndex(of: ".") else { break }
            candidate = String(candidate[..<dot])
        }
        return .error(code: 5, message: "symbol '\(symbol)' is not known")
    }

    func listServices() -> Answer {
        .services(serviceNames)
    }

    /// The names of the file and, transitively, everything it imports, each once.
    private static func withDependencies(_ name: String, files: [String: ProtoFile]) -> [String] {
        var ordered: [String] = []
        var seen: Set<String> = []
        var queue = [name]
        while let next = queue.first {
            queue.removeFirst()
            guard seen.insert(next).inserted, let file = files[next] else { continue }
            ordered.append(next)
            queue += file.dependencies
        }
        return ordered
    }
}
