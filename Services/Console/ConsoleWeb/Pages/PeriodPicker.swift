import CommonAPI
import Runtime
import Wire

/// The period picker of the report pages: a form of two date fields (GET, so a period is a link
/// that can be shared) and links to the usual periods; and the period shown as machine-readable
/// times.
enum PeriodPicker {
    /// The picker for `period` on the page at `path`.
    static func render(_ period: ReportPeriod, path: String) -> HTML {
        let presets = [7, 30, 90].map { days -> HTML in
            #"<li><a href="\#(path)?days=\#(days)">Last \#(days) days</a></li>"#
        }
        return """
            <form class="period" method="get" action="\(path)"><fieldset><legend>Period (UTC days)</legend>\
            <label for="from">From</label><input type="date" id="from" name="from" value="\(period.firstDay)" required>\
            <label for="to">To</label><input type="date" id="to" name="to" value="\(period.lastDay)" required>\
            <button type="submit">Show</button></fieldset></form>
            <ul class="presets" aria-label="Usual periods">\(presets)</ul>
            <p id="period">Showing <time id="period-from" datetime="\(Figures.machineTime(Timestamp(period.start)))">\
            \(period.firstDay) 00:00 UTC</time> to <time id="period-to" \
            datetime="\(Figures.machineTime(Timestamp(period.end)))">\(period.lastDay) 24:00 UTC</time> \
            (\(period.days) days).</p>
            """
    }
}
