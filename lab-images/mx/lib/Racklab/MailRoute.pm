package Racklab::MailRoute;
# Where does mail for a lab address go? The user's store and that store's current master slot, read from
# MySQL on every lookup (so promoting a replica is one UPDATE of stores.master_slot). Reads go to the
# first database that answers: the primary, then its replicas.
use strict;
use warnings;
use DBI;

# new(hosts => [ip...], password => '…', domains => ['fastmail.test'], slots => {imap1 => '10.231.0.51'})
sub new {
    my ($class, %o) = @_;
    return bless { %o, dbh => undef, db => undef }, $class;
}

sub _connect {
    my ($self) = @_;
    my @why;
    for my $h (@{ $self->{hosts} }) {
        my $dbh = eval {
            DBI->connect("DBI:MariaDB:database=racklab;host=$h;mariadb_connect_timeout=2;mariadb_read_timeout=5",
                'app', $self->{password}, { RaiseError => 1, PrintError => 0, AutoCommit => 1 });
        };
        if ($dbh) { @$self{qw(dbh db)} = ($dbh, $h); return $dbh }
        push @why, "$h: " . ($DBI::errstr // $@ // 'no answer');
    }
    die join('; ', @why) . "\n";
}

# one query, retried once on the next database when the cached connection died
sub _row {
    my ($self, $sql, @bind) = @_;
    for my $try (1, 2) {
        my $dbh = $self->{dbh} // $self->_connect;
        my $row = eval { $dbh->selectrow_arrayref($sql, undef, @bind) };
        return $row unless $@;
        my $err = $@;
        @$self{qw(dbh db)} = (undef, undef);
        die $err if $try == 2;
    }
}

# lookup(address) → { ok => 1, login, detail, store, slot, host } | { ok => 0, code => '550 5.1.1 …' }
sub lookup {
    my ($self, $address) = @_;
    my ($local, $domain) = lc($address) =~ /^([^@\s]+)\@([a-z0-9.-]+)$/
      or return { ok => 0, code => "501 5.1.3 <$address>: bad address syntax" };
    return { ok => 0, code => "550 5.1.2 <$address>: $domain is not a lab domain" }
      unless grep { $_ eq $domain } @{ $self->{domains} };
    my ($login, $detail) = $local =~ /^([a-z][a-z0-9._-]{0,63})(?:\+([A-Za-z0-9._-]{1,64}))?$/
      or return { ok => 0, code => "550 5.1.1 <$address>: no such user here" };
    my $row = eval {
        $self->_row('SELECT s.id, s.master_slot FROM users u JOIN stores s ON s.id = u.store WHERE u.login = ?', $login);
    };
    if (my $err = $@) {
        $err =~ s/\s+$//;
        return { ok => 0, code => "451 4.3.0 <$address>: routing database unavailable ($err)" };
    }
    return { ok => 0, code => "550 5.1.1 <$address>: no such user here" } unless $row;
    my ($store, $slot) = @$row;
    return { ok => 1, login => $login, detail => $detail, store => $store, slot => $slot,
             host => $self->{slots}{$slot} // $slot, db => $self->{db} };
}

1;
