import Foundation
import Testing

@testable import ConsoleWeb

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects the elements of an SVG document, with their attributes and text.
final class SVGElements: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text: [String: String] = [:]
    private var current: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append((name, attributes))
        current.append(name)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        current.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let name = current.last { text[name, default: ""] += string }
    }

    /// Parses `markup`; nil when it is not well-formed XML.
    static func parse(_ markup: String) -> SVGElements? {
        let collector = SVGElements()
        let parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }
}

@Suite("SVG charts")
struct ChartTests {
    @Test("a line chart is well-formed SVG, an image labelled by its title and description")
    func lineChartShape() throws {
        let chart = LineChart(
            id: "c1", title: "Satisfaction", unit: "of 5", labels: ["11-01", "11-02", "11-03"],
            series: [ChartSeries(name: "mean", values: [4.5, 3.0, 5.0])], ceiling: 5)
        let svg = try #require(SVGElements.parse(chart.render().markup))
        let root = try #require(svg.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["aria-labelledby"] == "c1-title c1-desc")
        #expect(svg.text["title"]?.hasPrefix("Satisfaction") == true)
        #expect(svg.elements.filter { $0.name == "polyline" }.count == 1)
        #expect(svg.elements.filter { $0.name == "circle" }.count == 3)
    }

    @Test("points fall where their values are: 5 of 5 at the top, 0 at the bottom, in order left to right")
    func pointPositions() throws {
        let chart = LineChart(
            id: "c", title: "t", unit: "u", labels: ["a", "b", "c"],
            series: [ChartSeries(name: "s", values: [5, 2.5, 0])], ceiling: 5)
        let svg = try #require(SVGElements.parse(chart.render().markup))
        let circles = svg.elements.filter { $0.name == "circle" }
        let ys = circles.compactMap { $0.attributes["cy"].flatMap(Double.init) }
        let xs = circles.compactMap { $0.attributes["cx"].flatMap(Double.init) }
        #expect(ys == [LineChart.top, (LineChart.top + LineChart.bottom) / 2, LineChart.bottom])
        #expect(xs == xs.sorted() && Set(xs).count == 3)
    }

    @Test("a missing value leaves a gap: two lines, no point for it")
    func gaps() throws {
        let chart = LineChart(
            id: "g", title: "t", unit: "u", labels: ["a", "b", "c", "d", "e"],
            series: [ChartSeries(name: "s", values: [1, 2, nil, 3, 4])])
        let svg = try #require(SVGElements.parse(chart.render().markup))
        #expect(svg.elements.filter { $0.name == "polyline" }.count == 2)
        #expect(svg.elements.filter { $0.name == "circle" }.count == 4)
    }

    @Test("markup in titles, labels and series names is escaped and stays text")
    func escapesText() throws {
        let chart = LineChart(
            id: "x", title: "<b>title</b>", unit: "&", labels: ["<i>a</i>"],
            series: [ChartSeries(name: "<script>x</script>", values: [1])])
        let markup = chart.render().markup
        #expect(!markup.contains("<script>"))
        let svg = try #require(SVGElements.parse(markup))
        #expect(!svg.elements.contains { ["b", "i", "script"].contains($0.name) })
        #expect(svg.text["title"]?.contains("<script>x</script>") == true)
    }

    @Test("an empty chart still renders, and says there is nothing")
    func emptyChart() throws {
        let chart = LineChart(id: "e", title: "t", unit: "u", labels: [], series: [])
        let svg = try #require(SVGElements.parse(chart.render().markup))
        #expect(svg.text["desc"] == "No values in this period.")
    }

    @Test("bars are as long as their share of the scale; labels and values are shown")
    func barChart() throws {
        let chart = BarChart(id: "b", title: "Top", bars: [("late <parcel>", 10), ("damaged", 5)])
        let svg = try #require(SVGElements.parse(chart.render().markup))
        let widths = svg.elements.filter { $0.name == "rect" }.compactMap {
            $0.attributes["width"].flatMap(Double.init)
        }
        #expect(widths.count == 2)
        #expect(abs(widths[0] - 2 * widths[1]) < 0.2)
        #expect(svg.text["text"]?.contains("late <parcel>") == true)
    }

    @Test("the value scale ends on a round number at or above the largest value")
    func scale() {
        #expect(ChartScale(largest: 7.3).maximum == 10)
        #expect(ChartScale(largest: 0.42).maximum == 0.5)
        #expect(ChartScale(largest: 180).maximum == 200)
        #expect(ChartScale(largest: 0).maximum == 1)
        #expect(ChartScale(largest: 3, ceiling: 5).maximum == 5)
        #expect(ChartScale(largest: 200, tickCount: 4).ticks == [0, 50, 100, 150, 200])
    }
}
