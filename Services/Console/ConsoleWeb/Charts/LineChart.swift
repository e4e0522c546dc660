import Foundation

/// A line chart drawn on the server as inline SVG: no script. The SVG is an image with a title
/// and a description for screen readers; the page shows the same numbers in a table beside it.
/// Series differ by colour and by dash pattern and marker, so colour is never the only cue.
public struct LineChart: Sendable {
    /// The chart's id (unique on its page), used for its title's and description's ids.
    public var id: String
    /// The title.
    public var title: String
    /// What a value means, such as "hours" or "% of refunds".
    public var unit: String
    /// The x axis labels, one per point.
    public var labels: [String]
    /// The lines.
    public var series: [ChartSeries]
    /// A fixed top of the value axis (5 for a score out of 5, 100 for a percentage), or nil to fit.
    public var ceiling: Double?

    /// A chart of `series` over `labels`.
    public init(
        id: String, title: String, unit: String, labels: [String], series: [ChartSeries], ceiling: Double? = nil
    ) {
        self.id = id
        self.title = title
        self.unit = unit
        self.labels = labels
        self.series = series
        self.ceiling = ceiling
    }

    static let width = 640.0
    static let height = 240.0
    static let left = 56.0
    static let right = 16.0
    static let top = 16.0
    static let bottom = 200.0
    /// Stroke colours and dash patterns, one per series in turn.
    static let styles: [(colour: String, dash: String)] = [
        ("#1f5fa8", ""), ("#b3541e", "6 4"), ("#2e7d32", "2 3"), ("#6a1b9a", "10 3 2 3"),
    ]

    /// The SVG.
    public func render() -> HTML {
        let values = series.flatMap { $0.values.compactMap { $0 } }
        let scale = ChartScale(largest: values.max() ?? 0, ceiling: ceiling)
        let count = labels.count
        func x(_ index: Int) -> Double {
            count <= 1
                ? (Self.left + Self.width - Self.right) / 2
                : Self.left + (Self.width - Self.left - Self.right) * Double(index) / Double(count - 1)
        }
        func y(_ value: Double) -> Double { scale.position(value, bottom: Self.bottom, top: Self.top) }

        var grid: [HTML] = []
        for tick in scale.ticks {
            let position = Self.number(y(tick))
            grid.append(
                """
                <line class="grid" x1="\(Self.number(Self.left))" x2="\(Self.number(Self.width - Self.right))" \
                y1="\(position)" y2="\(position)"/><text class="tick" x="\(Self.number(Self.left - 6))" \
                y="\(position)" text-anchor="end" dominant-baseline="middle">\(Self.label(tick))</text>
                """)
        }
        let every = max(1, (count + 7) / 8)
        var axis: [HTML] = []
        for (index, label) in labels.enumerated() where index % every == 0 || index == count - 1 {
            axis.append(
                """
                <text class="tick" x="\(Self.number(x(index)))" y="\(Self.number(Self.bottom + 18))" \
                text-anchor="middle">\(label)</text>
                """)
        }
        var lines: [HTML] = []
        var legend: [HTML] = []
        for (seriesIndex, line) in series.enumerated() {
            let style = Self.styles[seriesIndex % Self.styles.count]
            for segment in Self.segments(line.values) {
                let points = segment.map { "\(Self.number(x($0.index))),\(Self.number(y($0.value)))" }
                    .joined(separator: " ")
                lines.append(
                    """
                    <polyline fill="none" stroke="\(style.colour)" stroke-width="2" \
                    stroke-dasharray="\(style.dash)" points="\(points)"/>
                    """)
            }
            for (index, value) in line.values.enumerated() {
                guard let value else { continue }
                let label = index < labels.count ? labels[index] : ""
                lines.append(
                    """
                    <circle cx="\(Self.number(x(index)))" cy="\(Self.number(y(value)))" r="3" \
                    fill="\(style.colour)"><title>\(line.name), \(label): \(Self.label(value)) \(unit)</title></circle>
                    """)
            }
            let legendY = Self.number(Self.height - 8)
            let legendX = Self.left + Double(seriesIndex) * 150
            legend.append(
                """
                <line x1="\(Self.number(legendX))" x2="\(Self.number(legendX + 24))" y1="\(legendY)" y2="\(legendY)" \
                stroke="\(style.colour)" stroke-width="2" stroke-dasharray="\(style.dash)"/>\
                <text class="legend" x="\(Self.number(legendX + 30))" y="\(legendY)" \
                dominant-baseline="middle">\(line.name)</text>
                """)
        }
        let description =
            series.isEmpty || values.isEmpty
            ? "No values in this period." : "\(series.map(\.name).joined(separator: ", ")) in \(unit), per period."
        return """
            <svg class="chart" id="\(id)" viewBox="0 0 \(Self.number(Self.width)) \(Self.number(Self.height))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(title)</title><desc id="\(id)-desc">\(description)</desc>\
            \(grid)\(axis)\(lines)\(legend)</svg>
            """
    }

    /// The chart with its title shown above it, as a figure.
    public func figure() -> HTML {
        #"<figure class="chart-figure"><figcaption>\#(title)</figcaption>\#(render())</figure>"#
    }

    /// The runs of consecutive values, split at the gaps.
    static func segments(_ values: [Double?]) -> [[(index: Int, value: Double)]] {
        var runs: [[(index: Int, value: Double)]] = []
        var current: [(index: Int, value: Double)] = []
        for (index, value) in values.enumerated() {
            if let value, value.isFinite {
                current.append((index, value))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// A coordinate with at most one decimal.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// A value as an axis or tooltip shows it: at most two decimals, trailing zeros dropped.
    static func label(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
