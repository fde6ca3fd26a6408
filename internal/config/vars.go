package config

// Var documents one environment variable.
type Var struct {
	Name    string // e.g. "SECRET_KEY"
	Default string // the default value, "" when there is none
	Help    string // one line, in French
}

// Vars documents every variable that Load reads, grouped by concern in the
// order of .env.example. It is used by --help, and a test checks that
// .env.example covers them all.
func Vars() []Var {
	return []Var{
		// Environment and secrets.
		{"APP_ENV", EnvDevelopment, "« production » active le mode production (contrôles de sécurité, cookies Secure, logs JSON)"},
		{"FLASK_ENV", "", "équivalent accepté de APP_ENV, pour reprendre l'environnement d'un ancien déploiement Flask"},
		{"SECRET_KEY", "", "clé secrète aléatoire d'au moins 32 octets (ex. : openssl rand -base64 48) ; obligatoire en production"},
		// Network.
		{"PUBLIC_URL", "http://" + DefaultAddr + " (développement)", "adresse publique du site, sans barre oblique finale (https:// obligatoire en production)"},
		{"ADDR", DefaultAddr, "adresse et port d'écoute du serveur HTTP"},
		{"TRUSTED_PROXIES", "", "adresses IP ou plages CIDR des proxys de confiance (séparées par des virgules), ex. 127.0.0.1,10.0.0.0/8"},
		{"METRICS_ADDR", DefaultMetricsAddr, "adresse d'écoute interne des métriques Prometheus (/metrics) ; « off » pour les désactiver"},
		// Storage.
		{"DATA_DIR", DefaultDataDir, "répertoire des données : base SQLite, photos, sauvegardes (droits 0700 recommandés)"},
		{"DATABASE_URL", "sqlite:<DATA_DIR>/garage.db", "base de données : sqlite:chemin/vers/garage.db ou postgres://utilisateur:motdepasse@hôte/base (PostgreSQL : ?pool_max_conns=N, connexions au plus par instance, 20 par défaut)"},
		// Photos.
		{"PHOTO_STORAGE", PhotoStorageDisk, "stockage des photos : disk (DATA_DIR/photos) ou s3 (bucket compatible S3, obligatoire pour plusieurs instances)"},
		{"S3_ENDPOINT", "", "adresse du service S3 (le schéma décide du TLS), ex. https://s3.fr-par.scw.cloud ou http://127.0.0.1:7070"},
		{"S3_BUCKET", "", "nom du bucket des photos (il doit exister)"},
		{"S3_REGION", "", "région du bucket, ex. fr-par ; vide pour les serveurs qui l'ignorent"},
		{"S3_ACCESS_KEY_ID", "", "identifiant de la clé d'accès S3"},
		{"S3_SECRET_ACCESS_KEY", "", "clé secrète S3 (jamais journalisée)"},
		{"S3_PATH_STYLE", "false", "true : adresses endpoint/bucket/clé (MinIO, versitygw) ; sinon choix automatique"},
		{"PHOTO_PUBLIC_BASE_URL", "", "adresse publique des photos (bucket public ou CDN), ex. https://photos.garage-parrot.fr ; vide : servies par le site sous /photos/"},
		// Logs.
		{"LOG_LEVEL", "info", "niveau de journalisation : debug, info, warn ou error"},
		{"LOG_FORMAT", "json (production), text (développement)", "format des journaux : json ou text"},
		{"LOG_FILE", "", "fichier où écrire les journaux (rouvert sur SIGHUP, pour logrotate) ; vide : sortie standard"},
		// Direct TLS.
		{"TLS_CERT_FILE", "", "certificat TLS (PEM) pour servir en HTTPS sans proxy ; avec TLS_KEY_FILE"},
		{"TLS_KEY_FILE", "", "clé privée TLS (PEM) ; avec TLS_CERT_FILE"},
		{"TLS_REDIRECT_ADDR", "", "adresse d'écoute HTTP qui redirige vers HTTPS, ex. :80 (avec TLS_CERT_FILE)"},
		// Mail.
		{"MAIL_SERVER", "", "serveur SMTP ; vide : aucun e-mail n'est envoyé (en développement, ils sont écrits dans DATA_DIR/mail-dev/ ; en production, ils attendent dans la file d'envoi)"},
		{"MAIL_PORT", "587 (465 avec MAIL_USE_SSL)", "port du serveur SMTP"},
		{"MAIL_USE_TLS", "false", "STARTTLS sur le port SMTP (true/false) ; incompatible avec MAIL_USE_SSL"},
		{"MAIL_USE_SSL", "false", "TLS implicite dès la connexion, port 465 (true/false) ; incompatible avec MAIL_USE_TLS"},
		{"MAIL_USERNAME", "", "identifiant SMTP"},
		{"MAIL_PASSWORD", "", "mot de passe SMTP"},
		{"MAIL_FROM", "", "adresse d'expédition des e-mails, ex. Garage V. Parrot <contact@garage-parrot.fr>"},
		// Maintenance.
		{"MAINTENANCE_START_DATE", "", "début d'une maintenance annoncée par un bandeau, heure de Paris : 2026-12-01 08:00 ou 2026-12-01T08:00:00+01:00"},
		{"BACKUP_DIR", "<DATA_DIR>/backups", "répertoire des sauvegardes (garage db backup et sauvegardes programmées)"},
		{"BACKUP_INTERVAL", "", "intervalle des sauvegardes programmées par serve pour SQLite, ex. 24h ; vide : aucune"},
		{"BACKUP_KEEP", "7", "nombre de sauvegardes programmées conservées (les plus anciennes sont supprimées)"},
		{"SHUTDOWN_DRAIN", "0s", "à l'arrêt (SIGTERM), durée pendant laquelle /readyz répond 503 alors que le site sert encore, pour que le répartiteur de charge retire l'instance avant la fermeture des connexions, ex. 10s (plusieurs instances)"},
		{"MAINTENANCE_MODE", "false", "true : les visiteurs reçoivent une page 503 de maintenance (les sondes de santé restent actives)"},
	}
}
