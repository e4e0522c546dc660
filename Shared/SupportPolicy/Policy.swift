/// The one official policy, the same for every customer in the world. Its version is recorded
/// with every decision; a change of any rule is a new version.
public enum Policy {
    /// The current policy version.
    public static let version = "2026.11"
    /// Days after delivery during which a return may be opened (day 60 included).
    public static let returnWindowDays = 60
    /// Days after approval by which a refund must have completed.
    public static let refundDeadlineDays = 10
}
