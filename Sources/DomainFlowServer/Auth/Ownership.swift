import Foundation

extension Principal {
    /// The owner filter of every owner-scoped query: admins see every row (NULL matches any
    /// owner), everyone else only their own. The one place that decides what a user may see.
    var ownerScope: UUID? { isAdmin ? nil : userID }
}
