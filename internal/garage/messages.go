package garage

import "time"

// MessageStatus is where a visitor's message stands in the inbox.
type MessageStatus string

// The message statuses, in the order the inbox shows them.
const (
	MessageNew        MessageStatus = "new"
	MessageInProgress MessageStatus = "in_progress"
	MessageDone       MessageStatus = "done"
	MessageSpam       MessageStatus = "spam"
)

// MessagesOpen is not a status but a list filter: the new and in-progress
// messages ("À traiter").
const MessagesOpen MessageStatus = "open"

// MessageStatuses lists every status.
func MessageStatuses() []MessageStatus {
	return []MessageStatus{MessageNew, MessageInProgress, MessageDone, MessageSpam}
}

// Valid reports whether s is a known status (MessagesOpen is not one).
func (s MessageStatus) Valid() bool {
	switch s {
	case MessageNew, MessageInProgress, MessageDone, MessageSpam:
		return true
	}
	return false
}

// Label is the status's French name.
func (s MessageStatus) Label() string {
	switch s {
	case MessageNew:
		return "Nouveau"
	case MessageInProgress:
		return "En cours"
	case MessageDone:
		return "Traité"
	case MessageSpam:
		return "Indésirable"
	}
	return string(s)
}

// Message is a visitor's message from a contact form (a lead).
type Message struct {
	ID        int64
	LastName  string
	FirstName string
	Email     string
	Phone     string
	Subject   string
	Body      string
	CarID     *int64 // the car the message is about, if any
	Status    MessageStatus
	Note      string // internal, never shown to the visitor
	ReadAt    *time.Time

	// The lead desk (leads.go).
	Kind          LeadKind
	Details       LeadDetails
	AssigneeID    *int64     // the staff member who handles it, if any
	AssigneeName  string     // read with the lead: "Prénom Nom", "" when none
	DueAt         *time.Time // when its first answer is due; nil: never late
	FirstAnswerAt *time.Time // its first reply from the lead page

	CreatedAt time.Time
	UpdatedAt time.Time
}

// FullName is "Prénom Nom".
func (m *Message) FullName() string { return m.FirstName + " " + m.LastName }

// DefaultSubject is the subject of a message sent without one.
const DefaultSubject = "Demande de contact"

// Limits of the contact form's fields, in characters.
const (
	MessageMaxName    = 100
	MessageMaxSubject = 150
	MessageMinBody    = 10
	MessageMaxBody    = 5000
	MessageMaxNote    = 5000
)
