/// A horizontal bar chart drawn on the server as inline SVG (for counts by category); like
/// ``LineChart``, an image with a title and description, with the numbers in a table beside it.
public struct BarChart: Sendable {
    /// The chart's id (unique on its page).
    public var id: String
    /// The title.
    public var title: String
    /// The bars, largest first as given.
    public var bars: [(label: String, value: Double)]

    /// A chart of `bars`.
    public init(id: String, title: String, bars: [(label: String, value: Double)]) {
        self.id = id
        self.title = title
        self.bars = bars
    }

    static let width = 640.0
    static let labelWidth = 200.0
    static let rowHeight = 26.0

    /// The chart with its title shown above it, as a figure.
    public func figure() -> HTML {
        #"<figure class="chart-figure"><figcaption>\#(title)</figcaption>\#(render())</figure>"#
    }

    /// The SVG.
    public func render() -> HTML {
        let scale = ChartScale(largest: bars.map(\.value).max() ?? 0)
        let height = max(Self.rowHeight, Self.rowHeight * Double(bars.count)) + 8
        let barSpace = Self.width - Self.labelWidth - 60
        var rows: [HTML] = []
        for (index, bar) in bars.enumerated() {
            let top = 4 + Self.rowHeight * Double(index)
            let length = barSpace * min(max(bar.value / scale.maximum, 0), 1)
            rows.append(
                """
                <text class="tick" x="\(LineChart.number(Self.labelWidth - 8))" \
                y="\(LineChart.number(top + Self.rowHeight / 2))" text-anchor="end" \
                dominant-baseline="middle">\(bar.label)</text>\
                <rect x="\(LineChart.number(Self.labelWidth))" y="\(LineChart.number(top + 4))" \
                width="\(LineChart.number(length))" height="\(LineChart.number(Self.rowHeight - 8))" \
                fill="#1f5fa8"><title>\(bar.label): \(LineChart.label(bar.value))</title></rect>\
                <text class="value" x="\(LineChart.number(Self.labelWidth + length + 6))" \
                y="\(LineChart.number(top + Self.rowHeight / 2))" \
                dominant-baseline="middle">\(LineChart.label(bar.value))</text>
                """)
        }
        let description = bars.isEmpty ? "Nothing in this period." : "\(bars.count) categories, by count."
        return """
            <svg class="chart" id="\(id)" viewBox="0 0 \(LineChart.number(Self.width)) \(LineChart.number(height))" \
            role="img" aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(title)</title><desc id="\(id)-desc">\(description)</desc>\(rows)</svg>
            """
    }
}
