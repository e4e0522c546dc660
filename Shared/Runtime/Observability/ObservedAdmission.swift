import RPC

/// A ``RPC/CallAdmission`` whose refusals are counted and logged by an
/// ``ObservabilityInterceptor``: a call refused on its HEADERS never reaches the interceptor,
/// which runs around handlers, so this reports it instead.
public struct ObservedAdmission: CallAdmission {
    private let base: any CallAdmission
    private let observer: ObservabilityInterceptor

    /// Runs `base`, reporting its refusals to `observer`.
    public init(_ base: any CallAdmission, observer: ObservabilityInterceptor) {
        self.base = base
        self.observer = observer
    }

    /// Admits as `base` does; a refusal is recorded, then thrown.
    public func admit(_ context: inout ServerContext) throws(RPCError) {
        do {
            try base.admit(&context)
        } catch {
            observer.recordRefusal(of: context, error)
            throw error
        }
    }
}
