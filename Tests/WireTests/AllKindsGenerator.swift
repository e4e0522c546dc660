import Wire
import WireFixtures

/// Builds `AllKinds` messages for the differential tests: random ones from a fixed seed, and a
/// hand-picked list of edge values.
struct AllKindsGenerator {
    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Characters strings are drawn from: ASCII, Latin-1, CJK, a combining mark and emoji.
    static let characters: [Character] = Array("aZ09 -_/\n\t\"\\é€ß日本語中文😀🇪🇺\u{301}")

    // MARK: Random values

    mutating func chance(_ percent: UInt64 = 50) -> Bool { random.next() % 100 < percent }
    mutating func int32() -> Int32 { pick([0, -1, 1, .min, .max, Int32(truncatingIfNeeded: random.next())]) }
    mutating func int64() -> Int64 { pick([0, -1, 1, .min, .max, Int64(bitPattern: random.next())]) }
    mutating func uint32() -> UInt32 { pick([0, 1, .max, UInt32(truncatingIfNeeded: random.next())]) }
    mutating func uint64() -> UInt64 { pick([0, 1, .max, random.next()]) }
    mutating func double() -> Double {
        pick([0, -0.0, 1.5, -2.25, .infinity, -.infinity, .greatestFiniteMagnitude, Double(bitPattern: random.next())])
            .nonNaN
    }
    mutating func float() -> Float {
        pick([
            0, -0.0, 1.5, -2.25, .infinity, .leastNonzeroMagnitude,
            Float(bitPattern: UInt32(truncatingIfNeeded: random.next())),
        ])
        .nonNaN
    }
    mutating func string() -> String {
        String((0..<Int(random.next() % 12)).map { _ in pick(Self.characters) })
    }
    mutating func bytes() -> [UInt8] {
        (0..<Int(random.next() % 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }
    mutating func color() -> Color { pick([.unspecified, .red, .green, .negative, Color(rawValue: 99)]) }
    mutating func count() -> Int { chance(5) ? 300 : Int(random.next() % 6) }
    mutating func nested() -> Nested {
        Nested.with { nested in
            if chance() { nested.a = int32() }
            if chance() { nested.b = string() }
            nested.leaves = (0..<Int(random.next() % 3)).map { _ in Leaf.with { $0.value = int64() } }
        }
    }
    mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
    mutating func array<T>(_ make: (inout Self) -> T) -> [T] { (0..<count()).map { _ in make(&self) } }
    mutating func map<K: Hashable, V>(_ key: (inout Self) -> K, _ value: (inout Self) -> V) -> [K: V] {
        var map: [K: V] = [:]
        for _ in 0..<Int(random.next() % 5) { map[key(&self)] = value(&self) }
        return map
    }

    /// A random message; each field is set about half of the time.
    mutating func message() -> AllKinds {
        var m = AllKinds()
        if chance() { m.fDouble = double() }
        if chance() { m.fFloat = float() }
        if chance() { m.fInt64 = int64() }
        if chance() { m.fUint64 = uint64() }
        if chance() { m.fInt32 = int32() }
        if chance() { m.fFixed64 = uint64() }
        if chance() { m.fFixed32 = uint32() }
        if chance() { m.fBool = chance() }
        if chance() { m.fString = string() }
        if chance() { m.fBytes = bytes() }
        if chance() { m.fUint32 = uint32() }
        if chance() { m.fSfixed32 = int32() }
        if chance() { m.fSfixed64 = int64() }
        if chance() { m.fSint32 = int32() }
        if chance() { m.fSint64 = int64() }
        if chance() { m.fEnum = color() }
        if chance() { m.fMessage = nested() }
        if chance() { m.oDouble = double() }
        if chance() { m.oFloat = float() }
        if chance() { m.oInt64 = int64() }
        if chance() { m.oUint64 = uint64() }
        if chance() { m.oInt32 = int32() }
        if chance() { m.oFixed64 = uint64() }
        if chance() { m.oFixed32 = uint32() }
        if chance() { m.oBool = chance() }
        if chance() { m.oString = string() }
        if chance() { m.oBytes = bytes() }
        if chance() { m.oUint32 = uint32() }
        if chance() { m.oSfixed32 = int32() }
        if chance() { m.oSfixed64 = int64() }
        if chance() { m.oSint32 = int32() }
        if chance() { m.oSint64 = int64() }
        if chance() { m.oEnum = color() }
        if chance() { m.oMessage = nested() }
        if chance() { m.rDouble = array { $0.double() } }
        if chance() { m.rFloat = array { $0.float() } }
        if chance() { m.rInt64 = array { $0.int64() } }
        if chance() { m.rUint64 = array { $0.uint64() } }
        if chance() { m.rInt32 = array { $0.int32() } }
        if chance() { m.rFixed64 = array { $0.uint64() } }
        if chance() { m.rFixed32 = array { $0.uint32() } }
        if chance() { m.rBool = array { $0.chance() } }
        if chance() { m.rString = array { $0.string() } }
        if chance() { m.rBytes = array { $0.bytes() } }
        if chance() { m.rUint32 = array { $0.uint32() } }
        if chance() { m.rSfixed32 = array { $0.int32() } }
        if chance() { m.rSfixed64 = array { $0.int64() } }
        if chance() { m.rSint32 = array { $0.int32() } }
        if chance() { m.rSint64 = array { $0.int64() } }
        if chance() { m.rEnum = array { $0.color() } }
        if chance() { m.rMessage = array { $0.nested() } }
        if chance() { m.mStringString = map({ $0.string() }, { $0.string() }) }
        if chance() { m.mInt32Int64 = map({ $0.int32() }, { $0.int64() }) }
        if chance() { m.mUint64Message = map({ $0.uint64() }, { $0.nested() }) }
        if chance() { m.mSint32Enum = map({ $0.int32() }, { $0.color() }) }
        if chance() { m.mBoolBytes = map({ $0.chance() }, { $0.bytes() }) }
        if chance() { m.mFixed64Double = map({ $0.uint64() }, { $0.double() }) }
        if chance() { m.mSfixed32Float = map({ $0.int32() }, { $0.float() }) }
        if chance() { m.mInt64Uint32 = map({ $0.int64() }, { $0.uint32() }) }
        if chance() {
            m.choice = pick([
                .cString(string()), .cInt32(int32()), .cMessage(nested()), .cEnum(color()), .cBytes(bytes()),
                .cDouble(double()),
            ])
        }
        if chance() { m.createdAt = Timestamp(seconds: int64(), nanos: Int32(random.next() % 1_000_000_000)) }
        if chance() { m.elapsed = ProtoDuration(seconds: int64(), nanos: int32()) }
        if chance(10) { m.fMaxFieldNumber = int32() }
        return m
    }

    // MARK: Edge values

    /// Hand-picked edge values, each in a message of its own, plus whether it holds a NaN.
    static func edgeCases() -> [(message: AllKinds, hasNaN: Bool)] {
        var cases: [(AllKinds, Bool)] = [(AllKinds(), false)]
        func add(_ hasNaN: Bool = false, _ build: (inout AllKinds) -> Void) {
            var message = AllKinds()
            build(&message)
            cases.append((message, hasNaN))
        }
        for value: Int32 in [0, -1, 1, .min, .max, 127, 128, -128] {
            add {
                $0.fInt32 = value
                $0.fSint32 = value
                $0.fSfixed32 = value
                $0.oInt32 = value
                $0.choice = .cInt32(value)
                $0.rInt32 = [value]
                $0.fMaxFieldNumber = value
            }
        }
        for value: Int64 in [0, -1, 1, .min, .max] {
            add {
                $0.fInt64 = value
                $0.fSint64 = value
                $0.fSfixed64 = value
                $0.oSint64 = value
                $0.rSint64 = [value, value]
                $0.mInt64Uint32 = [value: 1]
            }
        }
        for value: UInt32 in [0, 1, .max] {
            add {
                $0.fUint32 = value; $0.fFixed32 = value; $0.oUint32 = value
            }
        }
        for value: UInt64 in [0, 1, .max] {
            add {
                $0.fUint64 = value; $0.fFixed64 = value; $0.oFixed64 = value
            }
        }
        add(true) {
            $0.fDouble = .nan; $0.fFloat = .nan; $0.rDouble = [.nan]; $0.oFloat = .nan
        }
        add {
            $0.fDouble = -0.0; $0.fFloat = -0.0; $0.oDouble = 0; $0.rFloat = [-0.0, 0]
        }
        add {
            $0.fDouble = .infinity; $0.fFloat = -.infinity; $0.choice = .cDouble(-0.0)
        }
        add {
            $0.fDouble = .leastNonzeroMagnitude; $0.fFloat = .greatestFiniteMagnitude
        }
        add {
            $0.fString = ""; $0.oString = ""; $0.oBytes = []; $0.choice = .cString("")
        }
        add {
            $0.fString = "日本語 — é 😀 🇪🇺"; $0.rString = ["", "ß", "中文"]; $0.mStringString = ["é": "😀", "": ""]
        }
        add {
            $0.fEnum = Color(rawValue: 99); $0.rEnum = [.negative, Color(rawValue: -7)]; $0.oEnum = .unspecified
        }
        add {
            $0.fEnum = .negative; $0.mSint32Enum = [-1: .negative, 5: Color(rawValue: 1000)]
        }
        add {
            $0.fBool = true; $0.oBool = false; $0.rBool = [true, false, true]
        }
        add {
            $0.oMessage = Nested(); $0.fMessage = Nested(); $0.choice = .cMessage(Nested())
        }
        add {
            $0.rInt32 = Array(-5_000..<5_000).map(Int32.init); $0.rString = (0..<2_000).map(String.init)
        }
        add {
            $0.rDouble = (0..<3_000).map(Double.init);
            $0.rMessage = (0..<500).map { i in Nested.with { $0.a = Int32(i) } }
        }
        add { $0.mInt32Int64 = Dictionary(uniqueKeysWithValues: (0..<1_000).map { (Int32($0), Int64($0) * -3) }) }
        add {
            $0.mUint64Message = [0: Nested(), .max: Nested.with { $0.b = "x" }];
            $0.mBoolBytes = [false: [], true: [0, 255]]
        }
        add {
            $0.mFixed64Double = [0: -0.0]; $0.mSfixed32Float = [.min: .infinity, .max: 1]
        }
        add {
            $0.createdAt = Timestamp(seconds: -62_135_596_800); $0.elapsed = ProtoDuration(seconds: -1, nanos: -500)
        }
        add { $0.fBytes = Array(repeating: 0xFF, count: 70_000) }
        return cases
    }
}

extension Double {
    /// NaN is kept for the edge cases, where equality is checked bitwise.
    fileprivate var nonNaN: Double { isNaN ? 1 : self }
}

extension Float {
    fileprivate var nonNaN: Float { isNaN ? 1 : self }
}
