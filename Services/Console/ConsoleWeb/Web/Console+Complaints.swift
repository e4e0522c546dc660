import CommonAPI
import Hummingbird
import OversightAPI
import Runtime
import Wire

extension Console {
    /// The complaints queue, one complaint, and the forms that move it.
    func addComplaintRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/complaints") { request, _ in
            await respond(request) {
                let viewer = try staff(request)
                let page = try await ComplaintsPage.load(
                    fields: FormFields(request.uri.query), peers: peers, viewer: viewer)
                return Self.html(page.render(viewer: viewer))
            }
        }
        router.get("/complaints/:id") { request, context in
            await respond(request) {
                let viewer = try staff(request)
                let page = try await ComplaintPage.load(
                    try Self.parameter(context, "id"), peers: peers, viewer: viewer)
                return Self.html(page.render(viewer: viewer))
            }
        }
        complaintAction(router, "assign") { oversight, id, key, fields in
            guard let staffID = fields.text("staff_id") else { throw PageError.badRequest("choose a staff member") }
            _ = try await oversight.assignComplaint(
                AssignComplaintRequest.with {
                    $0.idempotencyKey = key
                    $0.complaintID = id
                    $0.staffID = staffID
                })
        }
        complaintAction(router, "start") { oversight, id, key, _ in
            _ = try await oversight.startInvestigation(
                StartInvestigationRequest.with {
                    $0.idempotencyKey = key
                    $0.complaintID = id
                })
        }
        complaintAction(router, "resolve") { oversight, id, key, fields in
            guard let resolution = fields.text("resolution") else { throw PageError.badRequest("write the resolution") }
            _ = try await oversight.resolveComplaint(
                ResolveComplaintRequest.with {
                    $0.idempotencyKey = key
                    $0.complaintID = id
                    $0.resolution = resolution
                })
        }
        complaintAction(router, "close") { oversight, id, key, _ in
            _ = try await oversight.closeComplaint(
                CloseComplaintRequest.with {
                    $0.idempotencyKey = key
                    $0.complaintID = id
                })
        }
        complaintAction(router, "messages") { oversight, id, key, fields in
            guard let text = fields.text("text") else { throw PageError.badRequest("write a message") }
            _ = try await oversight.addComplaintMessage(
                AddComplaintMessageRequest.with {
                    $0.idempotencyKey = key
                    $0.complaintID = id
                    $0.text = text
                })
        }
    }

    /// A form posted to `/complaints/:id/<action>`: checked, sent to Oversight as the viewer, then
    /// back to the complaint's page.
    private func complaintAction(
        _ router: Router<BasicRequestContext>, _ action: String,
        _ call: @escaping @Sendable (Oversight.Client, String, String, FormFields) async throws -> Void
    ) {
        router.post("/complaints/:id/\(action)") { request, context in
            await respond(request) {
                let viewer = try staff(request)
                let fields = try await form(request, secret: viewer.token)
                let id = try Self.parameter(context, "id")
                let key = try Self.idempotencyKey(fields)
                try await peers.call("oversight", as: viewer) { client in
                    try await call(Oversight.Client(client), id, key, fields)
                }
                return Self.redirect("/complaints/\(URLText.component(id))")
            }
        }
    }
}
