/// A ``ReadCache``'s name on its ``ServiceDatabase``: the store's name for it and the cache's type.
struct ReadCacheName: Hashable, Sendable {
    /// The store's name for the cache.
    let name: String
    /// `ReadCache<Key, Value>` of the cache's key and value types.
    let type: ObjectIdentifier
}
