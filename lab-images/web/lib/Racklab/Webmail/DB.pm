package Racklab::Webmail::DB;
# One DBI handle per Apache child, to the first database in DB_HOSTS that answers (the primary; a replica
# only serves reads: its read_only refuses session writes, and the page says the database is read-only).
# TaintIn: a tainted value bound to a query is refused, so every input must have passed a validation.
use strict;
use warnings;
use DBI;
use Racklab::Webmail::Config qw(cfg);
use Exporter qw(import);
our @EXPORT_OK = qw(dbh);

my ($dbh, $host);

sub dbh {
    return $dbh if $dbh && eval { $dbh->ping };
    undef $dbh;
    my @why;
    for my $h (@{ cfg('db_hosts') }) {
        $dbh = eval {
            DBI->connect("DBI:MariaDB:database=racklab;host=$h;mariadb_connect_timeout=2;mariadb_read_timeout=10",
                'app', cfg('db_password'),
                { RaiseError => 1, PrintError => 0, AutoCommit => 1, TaintIn => 1, mariadb_auto_reconnect => 0 });
        };
        if ($dbh) { $host = $h; return $dbh }
        push @why, "$h: " . ((DBI->errstr // $@ // 'no answer') =~ s/\s+$//r);
    }
    die "no database answers (" . join('; ', @why) . ")\n";
}

sub host { return $host }

1;
