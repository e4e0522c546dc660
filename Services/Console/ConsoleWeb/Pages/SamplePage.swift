import CommonAPI
import OversightAPI
import Runtime
import Wire

/// One audit sample: its seed, period and tally, and each sampled record with its verdict, its
/// note and who marked it; an auditor marks each pass or fail with a note.
struct SamplePage {
    /// The sample.
    var sample: AuditSample

    /// Loads the sample as `viewer`.
    static func load(_ id: String, peers: ConsolePeers, viewer: Viewer) async throws -> SamplePage {
        let sample = try await peers.call("oversight", as: viewer) { client in
            try await Oversight.Client(client).getAuditSample(GetAuditSampleRequest.with { $0.sampleID = id })
        }
        return SamplePage(sample: sample)
    }

    /// The page.
    func render(viewer: Viewer) -> HTML {
        let path = "/audit/samples/\(URLText.component(sample.sampleID))"
        let canMark = viewer.identity.role == .auditor
        let items = sample.items.map { item -> HTML in
            let record = item.record ?? AuditRecord()
            let sequence = record.sequence
            let verdict: HTML =
                switch item.verdict {
                case .pass: #"<span class="pass">pass</span>"#
                case .fail: #"<span class="fail">fail</span>"#
                default: "not yet reviewed"
                }
            var form = HTML.empty
            if canMark {
                form = """
                    <form method="post" action="\(path)/items/\(sequence)"><fieldset><legend>Mark record \(sequence)</legend>\
                    \(Layout.formFields(viewer))\
                    <input type="radio" id="pass-\(sequence)" name="verdict" value="pass" required\(item.verdict == .pass ? HTML(" checked") : .empty)>\
                    <label for="pass-\(sequence)">Pass</label>\
                    <input type="radio" id="fail-\(sequence)" name="verdict" value="fail"\(item.verdict == .fail ? HTML(" checked") : .empty)>\
                    <label for="fail-\(sequence)">Fail</label>\
                    <label for="note-\(sequence)">Note</label>\
                    <input id="note-\(sequence)" name="note" size="40" maxlength="4000" value="\(item.note)">\
                    <button type="submit">Mark</button></fieldset></form>
                    """
            }
            return """
                <li id="item-\(sequence)" data-sequence="\(sequence)">\
                \(CaseHistory.records([record], caption: "Record \(sequence)"))\
                <p>Verdict: <span class="verdict">\(verdict)</span>\(item.note.isEmpty ? "" : " · note: ")\
                <span class="note">\(item.note)</span>\
                \(item.markedBy.map { HTML(" · marked by \(Names.actor($0))") } ?? .empty)</p>\(form)</li>
                """
        }
        let content: HTML = """
            <table id="sample"><caption>The sample</caption><tbody>\
            <tr><th scope="row">Id</th><td>\(sample.sampleID)</td></tr>\
            <tr><th scope="row">Seed</th><td id="seed">\(sample.seed)</td></tr>\
            <tr><th scope="row">Size</th><td id="size">\(sample.items.count)</td></tr>\
            <tr><th scope="row">Period</th><td>\(Figures.time(sample.from)) to \(Figures.time(sample.to))</td></tr>\
            <tr><th scope="row">Passed</th><td id="passed">\(sample.passed)</td></tr>\
            <tr><th scope="row">Failed</th><td id="failed">\(sample.failed)</td></tr>\
            </tbody></table>
            <p>The same seed and period always draw the same records.</p>
            \(items.isEmpty ? HTML("<p>The period had no records.</p>") : HTML("<ol class=\"sample-items\">\(items)</ol>"))
            <p><a href="/audit">Back to the audit page</a></p>
            """
        return Layout.page(title: "Audit sample", viewer: viewer, section: .audit, content: content)
    }
}
