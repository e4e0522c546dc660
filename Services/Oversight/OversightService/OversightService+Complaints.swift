import CommonAPI
import Foundation
import OversightAPI
import OversightDomain
import RPC
import Runtime
import Storage
import SupportPolicy
import Wire

extension OversightService {
    /// Files a complaint or suggestion.
    public func fileComplaint(_ request: FileComplaintRequest, context: ServerContext) async throws
        -> OversightAPI.Complaint
    {
        let caller = try context.identity
        let customerID = caller.role == .customer ? caller.subject : request.customerID
        guard !customerID.isEmpty else {
            throw RPCError(.invalidArgument, "customer_id is required for service callers")
        }
        let kind: OversightDomain.Complaint.Kind
        switch request.kind {
        case .complaint: kind = .complaint
        case .suggestion: kind = .suggestion
        default: throw RPCError(.invalidArgument, "kind must be COMPLAINT or SUGGESTION")
        }
        let filedAt = clock()
        let complaintID = "CMP-\(UUID.timeOrdered(at: filedAt).uuidString.lowercased())"
        return try await store.command(
            Oversight.Method.fileComplaint, request, key: request.idempotencyKey, caller: caller.subject, at: filedAt
        ) {
            transaction, now in
            let (complaint, changes) = try OversightDomain.Complaint.file(
                id: complaintID, kind: kind, customerID: customerID, subject: request.subject, text: request.text,
                relatedCase: request.relatedCase, at: now)
            try Self.save(complaint, changes, by: SupportPolicy.Actor(caller), at: now, in: transaction)
            return complaint.wire
        }
    }

    /// Assigns a complaint to complaints staff.
    public func assignComplaint(_ request: AssignComplaintRequest, context: ServerContext) async throws
        -> OversightAPI.Complaint
    {
        let caller = try context.identity
        return try await change(
            Oversight.Method.assignComplaint, request, key: request.idempotencyKey, id: request.complaintID,
            caller: caller
        ) {
            complaint, transaction, now in
            let member = try transaction.staffMember(id: request.staffID)
            let eligible = member.map { $0.active && $0.teams.contains(OversightDomain.Complaint.staffTeam) } ?? false
            return try complaint.assign(to: request.staffID, isComplaintsStaff: eligible, at: now)
        }
    }

    /// Starts the investigation.
    public func startInvestigation(_ request: StartInvestigationRequest, context: ServerContext) async throws
        -> OversightAPI.Complaint
    {
        let caller = try context.identity
        return try await change(
            Oversight.Method.startInvestigation, request, key: request.idempotencyKey, id: request.complaintID,
            caller: caller
        ) {
            complaint, _, now in try complaint.startInvestigation(at: now)
        }
    }

    /// Resolves a complaint and informs the customer.
    public func resolveComplaint(_ request: ResolveComplaintRequest, context: ServerContext) async throws
        -> OversightAPI.Complaint
    {
        let caller = try context.identity
        return try await change(
            Oversight.Method.resolveComplaint, request, key: request.idempotencyKey, id: request.complaintID,
            caller: caller
        ) {
            complaint, _, now in try complaint.resolve(request.resolution, at: now)
        }
    }

    /// Closes a resolved complaint.
    public func closeComplaint(_ request: CloseComplaintRequest, context: ServerContext) async throws
        -> OversightAPI.Complaint
    {
        let caller = try context.identity
        return try await change(
            Oversight.Method.closeComplaint, request, key: request.idempotencyKey, id: request.complaintID,
            caller: caller
        ) {
            complaint, _, now in try complaint.close(at: now)
        }
    }

    /// Adds a message.
    public func addComplaintMessage(_ request: AddComplaintMessageRequest, context: ServerContext) async throws
        -> OversightAPI.Complaint
    {
        let caller = try context.identity
        return try await change(
            Oversight.Method.addComplaintMessage, request, key: request.idempotencyKey, id: request.complaintID,
            caller: caller
        ) {
            complaint, _, now in try complaint.addMessage(request.text, by: SupportPolicy.Actor(caller), at: now)
        }
    }

    /// One complaint.
    public func getComplaint(_ request: GetComplaintRequest, context: ServerContext) async throws
        -> OversightAPI.Complaint
    {
        let caller = try context.identity
        let found = try await store.read { try $0.complaint(id: request.complaintID) }
        guard let found, caller.role != .customer || found.customerID == caller.subject else {
            throw RPCError(.notFound, "complaint '\(request.complaintID)' not found")
        }
        return found.wire
    }

    /// Complaints, newest first.
    public func listComplaints(_ request: ListComplaintsRequest, context: ServerContext) async throws
        -> ListComplaintsResponse
    {
        let caller = try context.identity
        if caller.role == .customer, !request.customerID.isEmpty, request.customerID != caller.subject {
            throw RPCError(.permissionDenied, "a customer can only list their own complaints")
        }
        let customerID = caller.role == .customer ? caller.subject : request.customerID
        let page = PageFiller(
            size: try PageCursor.pageSize(request.page?.pageSize ?? 0),
            after: try PageCursor(token: request.page?.pageToken ?? ""))
        let state = OversightDomain.ComplaintState(rawValue: Int(request.state.rawValue))
        if state == nil, request.state != .unspecified {
            throw RPCError(.invalidArgument, "state is not a known state")
        }
        let (complaints, next) = try await page.fill(
            read: { limit, after in
                try await store.read {
                    try $0.complaints(
                        customerID: customerID.isEmpty ? nil : customerID, state: state, after: after, limit: limit)
                }
            },
            message: \.wire, cursor: { PageCursor(sortKey: $0.filedAt.timeIntervalSince1970, id: $0.id) })
        return ListComplaintsResponse.with {
            $0.complaints = complaints
            $0.nextPageToken = next
        }
    }

    /// Adds or updates a staff member.
    public func upsertStaffMember(_ request: UpsertStaffMemberRequest, context: ServerContext) async throws
        -> StaffMember
    {
        let caller = try context.identity
        guard let member = request.member, !member.staffID.isEmpty, member.staffID.utf8.count <= 128,
            !member.name.isEmpty, TextLimit.admits(member.name, characters: 200), member.teams.count <= 20
        else { throw RPCError(.invalidArgument, "member needs a staff_id (1-128 bytes), a name and at most 20 teams") }
        return try await store.command(
            Oversight.Method.upsertStaffMember, request, key: request.idempotencyKey, caller: caller.subject,
            at: clock()
        ) {
            transaction, _ in
            try transaction.upsert(member)
            return member
        }
    }

    /// The roster.
    public func listStaff(_ request: ListStaffRequest, context: ServerContext) async throws -> ListStaffResponse {
        _ = try context.identity
        let members = try await store.read { try $0.staffMembers() }
        return ListStaffResponse.with {
            $0.members = members.filter { request.team.isEmpty || $0.teams.contains(request.team) }
        }
    }

    private func change<Request: WireMessage>(
        _ method: MethodDescriptor, _ request: Request, key: String, id: String, caller: Identity,
        _ step:
            @escaping @Sendable (inout OversightDomain.Complaint, any OversightTransaction, Date) throws -> [CaseChange]
    ) async throws -> OversightAPI.Complaint {
        try await store.command(method, request, key: key, caller: caller.subject, at: clock()) { transaction, now in
            guard var complaint = try transaction.complaint(id: id),
                caller.role != .customer || complaint.customerID == caller.subject
            else { throw OversightError.notFound("complaint '\(id)' not found") }
            let changes = try step(&complaint, transaction, now)
            try Self.save(complaint, changes, by: SupportPolicy.Actor(caller), at: now, in: transaction)
            return complaint.wire
        }
    }

    static func save(
        _ complaint: OversightDomain.Complaint, _ changes: [CaseChange], by actor: SupportPolicy.Actor, at now: Date,
        in transaction: any OversightTransaction
    ) throws {
        try transaction.save(complaint)
        try appendOwn(
            changes, caseType: "complaint", caseID: complaint.id, customerID: complaint.customerID,
            category: complaint.kind == .complaint ? "COMPLAINT" : "SUGGESTION", by: actor, at: now, in: transaction)
    }
}
