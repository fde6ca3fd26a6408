package photo

// Error is a refusal of an upload: Error() is a French sentence that can be shown to the user as is, and
// Status() the HTTP status that fits it. The errors Process returns are distinct values that carry the
// technical cause (errors.Unwrap, for the logs) and match one of the sentinels below with errors.Is.
type Error struct {
	kind   *Error // the sentinel this error is an instance of; nil for the sentinels themselves
	msg    string
	status int
	cause  error
}

// Error returns the French message for users.
func (e *Error) Error() string { return e.msg }

// Status returns the HTTP status code that fits the refusal (413, 415 or 422).
func (e *Error) Status() int { return e.status }

// Unwrap returns the technical cause (a decoder error, say), for the logs; nil for most refusals.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether e is an instance of the sentinel target, so that errors.Is(err, ErrCorrupt) holds for
// every "corrupt" refusal whatever its cause and message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return e == t || (e.kind != nil && e.kind == t)
}

func (e *Error) with(msg string, cause error) *Error {
	if msg == "" {
		msg = e.msg
	}
	return &Error{kind: e, msg: msg, status: e.status, cause: cause}
}

var (
	// ErrTooBig: the file is larger than Limits.MaxBytes (413).
	ErrTooBig error = errTooBig
	// ErrUnsupported: the content is not a JPEG, PNG or WebP image, whatever its name or declared type (415).
	ErrUnsupported error = errUnsupported
	// ErrTooManyPixels: the declared dimensions exceed Limits.MaxPixels or Limits.MaxDimension (422).
	ErrTooManyPixels error = errTooManyPixels
	// ErrCorrupt: the file has the signature of a supported format but cannot be decoded (422).
	ErrCorrupt error = errCorrupt
)

var (
	errTooBig        = &Error{msg: "Photo trop lourde : choisissez un fichier plus petit.", status: 413}
	errUnsupported   = &Error{msg: "Format non pris en charge : envoyez une photo JPEG, PNG ou WebP.", status: 415}
	errTooManyPixels = &Error{msg: "Image trop grande : réduisez sa définition avant de l'envoyer.", status: 422}
	errCorrupt       = &Error{msg: "Photo illisible : le fichier semble endommagé ou incomplet.", status: 422}
)
