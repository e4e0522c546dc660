import OversightAPI
import Storage
import Wire

/// A staff member as a row of `staff` and their teams as rows of `staff_teams`. No API message
/// is stored.
enum StaffRows {
    /// Adds or replaces a staff member (their teams replaced too).
    static func upsert(_ member: StaffMember, in db: any SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO staff (staff_id, name, active) VALUES (?, ?, ?)
            ON CONFLICT (staff_id) DO UPDATE SET name = excluded.name, active = excluded.active
            """, [member.staffID, member.name, member.active])
        try db.execute("DELETE FROM staff_teams WHERE staff_id = ?", [member.staffID])
        for (position, team) in member.teams.enumerated() {
            try db.execute(
                "INSERT INTO staff_teams (staff_id, position, team) VALUES (?, ?, ?)", [member.staffID, position, team])
        }
    }

    /// The staff members `sql` selects (staff_id, name, active), with their teams.
    static func members(_ sql: String, _ arguments: [any SQLBindable], in db: any SQLConnection) throws
        -> [StaffMember]
    {
        try db.fetchRows(sql, arguments).map { row in
            let (id, name, active) = (try row.string(0), try row.string(1), try row.bool(2))
            let teams = try db.fetchRows(
                "SELECT team FROM staff_teams WHERE staff_id = ? ORDER BY position", [id]
            ).map { try $0.string(0) }
            return StaffMember.with {
                $0.staffID = id
                $0.name = name
                $0.teams = teams
                $0.active = active
            }
        }
    }
}
