/// The plugin parameter, `--support_opt=module=PACKAGE:MODULE,...`, which says which Swift module
/// holds the code of each protobuf package so that cross-package references are qualified and
/// imported; `descriptors_only=true` generates file descriptors alone.
public struct GeneratorOptions: Sendable {
    /// Swift module for each protobuf package.
    public var modules: [String: String]
    /// Whether to generate only each file's ``Wire/ProtoFile`` (for the well-known types, whose
    /// Swift types are written by hand).
    public var descriptorsOnly = false

    /// Parses the comma-separated parameter string protoc hands the plugin.
    public init(parameter: String) throws(GeneratorError) {
        modules = ["google.protobuf": "Wire"]
        for option in parameter.split(separator: ",") where !option.isEmpty {
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            if parts == ["descriptors_only", "true"] {
                descriptorsOnly = true
                continue
            }
            guard parts.count == 2, parts[0] == "module" else {
                throw GeneratorError(
                    "unknown option '\(option)'; expected module=PACKAGE:MODULE or descriptors_only=true")
            }
            let mapping = parts[1].split(separator: ":").map(String.init)
            guard mapping.count == 2 else { throw GeneratorError("option '\(option)' must be module=PACKAGE:MODULE") }
            modules[mapping[0]] = mapping[1]
        }
    }

    /// The module holding `package`'s code, or a name derived from it (`support.orders.v1` gives
    /// `OrdersAPI`) when no option names one.
    public func module(for package: String) -> String {
        if let module = modules[package] { return module }
        let parts = package.split(separator: ".")
        let name = parts.count >= 2 ? parts[parts.count - 2] : parts.last ?? "Proto"
        return name.prefix(1).uppercased() + name.dropFirst() + "API"
    }
}
