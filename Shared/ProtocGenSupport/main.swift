import CodeGen

#if canImport(Glibc)
    import Glibc
#endif

// protoc-gen-support: a protoc plugin. protoc writes a CodeGeneratorRequest to standard input and
// reads a CodeGeneratorResponse from standard output; failures go back to protoc in the response.

var input: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 65_536)
while true {
    let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if count <= 0 { break }
    input.append(contentsOf: chunk[0..<count])
}

let response: CodeGeneratorResponse
do {
    let request = try CodeGeneratorRequest(serializedBytes: input)
    response = CodeGeneratorResponse(files: try SwiftGenerator(request: request).generate())
} catch {
    response = CodeGeneratorResponse(error: "protoc-gen-support: \(error)")
}
let output = response.serializedBytes()
var written = 0
while written < output.count {
    let count = output.withUnsafeBytes { write(1, $0.baseAddress?.advanced(by: written), $0.count - written) }
    if count <= 0 { exit(1) }
    written += count
}
