package config

import (
	"fmt"
	"regexp"
)

// trailingComment matches a value that ends in a comment: blanks, "#",
// then anything. systemd's EnvironmentFile (and docker's --env-file) keep
// such a comment as part of the value; only a shell drops it.
var trailingComment = regexp.MustCompile(`\s#.*$`)

// CommentedValues warns about every documented variable whose value ends
// in "# …", as when an environment file written for a shell
// (`KEY=value   # note`) is read by systemd.
func CommentedValues(getenv func(string) string) []Problem {
	var out []Problem
	for _, v := range Vars() {
		val := getenv(v.Name)
		if m := trailingComment.FindString(val); m != "" {
			out = append(out, Problem{Message: fmt.Sprintf(
				"%s se termine par « %s » : un commentaire laissé sur la ligne de la valeur ? systemd (EnvironmentFile) le garde dans la valeur ; mettez les commentaires sur une ligne à part", v.Name, m)})
		}
	}
	return out
}
