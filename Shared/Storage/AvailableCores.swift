import Foundation
import NIOCore

/// How many cores this process may run on: the fewer of what its cgroup allows (NIO's
/// `System.coreCount`: a container's CPU quota or cpuset) and its CPU affinity (`taskset`,
/// Kubernetes' static CPU manager), which `System.coreCount` does not read.
enum AvailableCores {
    /// The count, at least 1.
    static func count() -> Int {
        let allowed = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)).flatMap(affinity(inStatus:))
        return max(1, min(NIOCore.System.coreCount, allowed ?? .max))
    }

    /// The number of CPUs in the `Cpus_allowed_list:` line of a `/proc/<pid>/status` text (such as
    /// `0-3,8,10-11`), nil if there is none or it does not parse.
    static func affinity(inStatus status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else {
            return nil
        }
        var count = 0
        for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = range.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch bounds.count {
            case 1:
                guard bounds[0] != nil else { return nil }
                count += 1
            case 2:
                guard let first = bounds[0], let last = bounds[1], first <= last else { return nil }
                count += last - first + 1
            default: return nil
            }
        }
        return count > 0 ? count : nil
    }
}
