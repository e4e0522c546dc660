import Storage

extension ServiceConfiguration {
    /// Reads `--database-url` (or `SUPPORT_DATABASE_URL`) and the password's file
    /// (`--database-password-file`, `SUPPORT_DATABASE_PASSWORD_FILE`, else `PGPASSWORD`); errors
    /// never show the password.
    static func databaseURL(options: ServiceOptions, environment: [String: String]) throws(ConfigurationError)
        -> DatabaseURL?
    {
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let text = value(options.databaseUrl, "SUPPORT_DATABASE_URL") else { return nil }
        let passwordFile = value(options.databasePasswordFile, "SUPPORT_DATABASE_PASSWORD_FILE")
        do {
            return try DatabaseURL(parsing: text, passwordFile: passwordFile, environment: environment)
        } catch {
            throw ConfigurationError(setting: "--database-url", problem: String(error.problem))
        }
    }
}
