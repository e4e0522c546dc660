import CommonAPI
import Hummingbird
import Runtime
import Wire

extension Console {
    /// The overview and the fairness page, each for the period its query names.
    func addReportRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/overview") { request, _ in
            await respond(request) {
                let viewer = try staff(request)
                let period = try period(request)
                let page = try await OverviewPage.load(period, peers: peers, viewer: viewer)
                return Self.html(page.render(viewer: viewer))
            }
        }
        router.get("/fairness") { request, _ in
            await respond(request) {
                let viewer = try staff(request)
                let page = try await FairnessPage.load(try period(request), peers: peers, viewer: viewer)
                return Self.html(page.render(viewer: viewer))
            }
        }
    }

    /// The period a report page's query names.
    func period(_ request: Request) throws(PageError) -> ReportPeriod {
        let fields = FormFields(request.uri.query)
        return try ReportPeriod.parse(from: fields["from"], to: fields["to"], days: fields["days"], today: now())
    }
}
