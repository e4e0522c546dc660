import CommonAPI
import Hummingbird
import Runtime
import Wire

extension Console {
    /// The case view: `/cases/<type>/<id>` for an issue, a return, a refund, a ticket or a complaint.
    func addCaseRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/cases/:type/:id") { request, context in
            await respond(request) {
                let viewer = try staff(request)
                guard
                    let link = CaseLink(
                        type: try Self.parameter(context, "type"), id: try Self.parameter(context, "id"))
                else { throw PageError.notFound("the console shows issues, returns, refunds, tickets and complaints") }
                return Self.html(try await CasePage.load(link, peers: peers, viewer: viewer).render(viewer: viewer))
            }
        }
    }
}
