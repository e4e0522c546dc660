import Storage
import Testing

/// Statements are written once with `?`: PostgreSQL gets `$1, $2, ...`, question marks inside
/// literals, quoted identifiers and comments stay; SQLite gets the statement unchanged.
@Suite struct SQLDialectTests {
    @Test func placeholdersAreNumberedForPostgreSQLOnly() {
        let sql = "SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?"
        #expect(SQLDialect.sqlite.placeholders(sql) == sql)
        #expect(SQLDialect.postgres.placeholders(sql) == "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4")
    }

    @Test func questionMarksInLiteralsIdentifiersAndCommentsStay() {
        let sql = """
            SELECT '?', "odd?name", 'it''s ?' FROM t -- why?
            WHERE x = ?
            """
        #expect(
            SQLDialect.postgres.placeholders(sql) == """
                SELECT '?', "odd?name", 'it''s ?' FROM t -- why?
                WHERE x = $1
                """)
    }
}
