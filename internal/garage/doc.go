// Package garage is the domain of the application: the garage's entities,
// their statuses and transitions, and the rules that hold whatever the
// storage or the transport. It imports neither net/http nor database/sql.
package garage
