import Testing

@testable import Storage

/// The cores a process may run on, from its `/proc/<pid>/status` (affinity as `taskset` sets it).
@Suite struct AvailableCoresTests {
    @Test func theAffinityListIsCounted() {
        let status = { (list: String) in "Name:\tx\nCpus_allowed:\tf\nCpus_allowed_list:\t\(list)\nMems_allowed:\t1\n" }
        #expect(AvailableCores.affinity(inStatus: status("0")) == 1)
        #expect(AvailableCores.affinity(inStatus: status("0-3")) == 4)
        #expect(AvailableCores.affinity(inStatus: status("0-3,8,10-11")) == 7)
        #expect(AvailableCores.affinity(inStatus: status("3-1")) == nil)
        #expect(AvailableCores.affinity(inStatus: status("x")) == nil)
        #expect(AvailableCores.affinity(inStatus: "Name:\tx\n") == nil)
        #expect(AvailableCores.count() >= 1)
    }
}
