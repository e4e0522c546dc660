import Foundation
import Logging

/// Structured logs: one JSON object per line on standard error, with the time (UTC, ISO 8601),
/// level, service, message and every metadata value as a field (`request-id`, `trace-id`,
/// `method`, ...), ready for any log collector.
public struct JSONLogHandler: LogHandler {
    /// Metadata attached to every record of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Records below this level are dropped.
    public var logLevel: Logger.Level
    /// Adds metadata at the moment a record is written.
    public var metadataProvider: Logger.MetadataProvider?
    private let service: String

    /// A handler for `service`'s logs at `level`.
    public init(service: String, level: Logger.Level) {
        self.service = service
        self.logLevel = level
    }

    /// Metadata of this logger.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one record.
    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        var line = "{\"time\":\(Self.quoted(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())))"
        line += ",\"level\":\(Self.quoted(event.level.rawValue))"
        line += ",\"service\":\(Self.quoted(service))"
        line += ",\"message\":\(Self.quoted(event.message.description))"
        for key in fields.keys.sorted() {
            guard let value = fields[key], !["time", "level", "service", "message"].contains(key) else { continue }
            line += ",\(Self.quoted(key)):\(Self.quoted(value.description))"
        }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
