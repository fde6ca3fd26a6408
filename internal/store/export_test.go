package store

// MigrationLockID is exported for the tests of package store_test.
var MigrationLockID = migrationLockID
