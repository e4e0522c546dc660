/// HTTP/2 header fields in order, as (name, value) pairs; names are lower case.
package typealias HeaderList = [(name: String, value: String)]
