/// One line of a chart: its name and one value per point of the x axis (nil where the period had
/// nothing to measure, drawn as a gap).
public struct ChartSeries: Sendable, Equatable {
    /// The legend's name.
    public var name: String
    /// The values, one per x label.
    public var values: [Double?]

    /// A series named `name`.
    public init(name: String, values: [Double?]) {
        self.name = name
        self.values = values
    }
}
