/// A value axis from zero to a "nice" maximum (1, 2, 2.5 or 5 times a power of ten) with its
/// tick values, so that gridlines fall on round numbers.
struct ChartScale: Equatable {
    /// The top of the axis.
    let maximum: Double
    /// The tick values, from 0 to `maximum`.
    let ticks: [Double]

    /// A scale that fits `largest` (a fixed `ceiling` wins when given, such as 5 for scores).
    init(largest: Double, ceiling: Double? = nil, tickCount: Int = 4) {
        if let ceiling, ceiling > 0 {
            maximum = ceiling
        } else if largest.isFinite, largest > 0 {
            var magnitude = 1.0
            while magnitude * 10 <= largest { magnitude *= 10 }
            while magnitude > largest { magnitude /= 10 }
            let steps = [1.0, 2.0, 2.5, 5.0, 10.0]
            maximum = (steps.first { $0 * magnitude >= largest } ?? 10) * magnitude
        } else {
            maximum = 1
        }
        let count = max(1, tickCount)
        let top = maximum
        ticks = (0...count).map { top * Double($0) / Double(count) }
    }

    /// Where `value` falls between `bottom` (zero) and `top` (the maximum), in SVG coordinates.
    func position(_ value: Double, bottom: Double, top: Double) -> Double {
        let share = min(max(value / maximum, 0), 1)
        return bottom - (bottom - top) * share
    }
}
