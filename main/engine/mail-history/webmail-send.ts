// A workload message sent through the webmail, as a user on the Internet would: from the edge (names through
// the lab DNS, TLS checked with the lab CA), log in at www.<domain>, open the compose page for its form token,
// post the message, log out. The webmail answers a send with a 303 to the inbox and the Message-ID it gave the
// message (X-Racklab-Message-Id, lab-images/web Handler.pm); every page says which frontend and web server
// answered, so the report can name the path. Perl with HTTP::Tiny: the edge image has it, nothing to install.
import type { ExecResult } from '../docker/types'

/** the workload's exec (workload.ts): a command in a lab server */
type Exec = (server: string, cmd: string[], timeoutMs?: number) => Promise<ExecResult>

const SEND = String.raw`
use strict; use warnings; use HTTP::Tiny; use JSON::PP;
my ($domain, $user, $pw, $to, $subject, $body) = @ARGV;
my %out = (sent => JSON::PP::false);
sub done { my ($why) = @_; $out{error} = $why if defined $why; print JSON::PP->new->canonical->encode(\%out), "\n"; exit 0 }
my $base = "https://www.$domain";
my $http = HTTP::Tiny->new(timeout => 20, max_redirect => 0, verify_SSL => 1, agent => 'racklab-workload/1',
  SSL_options => { SSL_ca_file => '/etc/ssl/certs/ca-certificates.crt' });
sub note { my ($r) = @_; for (qw(frontend backend)) { my $v = $r->{headers}{"x-racklab-$_"}; $out{$_} = $v if $v } $out{status} = $r->{status} + 0 }
sub why {
  my ($step, $r) = @_;
  my $t = $r->{status} == 599 ? ($r->{content} =~ s/\s+$//r) : "HTTP $r->{status} $r->{reason}";
  my ($e) = ($r->{content} // '') =~ m{<div class="err">(.*?)</div>}s;
  if (defined $e) { $e =~ s/<[^>]*>//g; $t .= ': ' . substr($e, 0, 200) }
  return "$step: $t";
}
my $r = $http->post_form("$base/login", { username => $user, password => $pw });
note($r);
done(why('login', $r)) unless $r->{status} == 303;
my $sc = $r->{headers}{'set-cookie'}; $sc = join(';', @$sc) if ref $sc;
my ($cookie) = ($sc // '') =~ /fm_session=([0-9a-f]+)/;
my ($salt) = ($r->{headers}{location} // '') =~ m{^/mail/inbox\?s=([0-9a-f]+)};
done('login: answered without a session cookie or inbox address') unless $cookie && $salt;
my %h = (headers => { Cookie => "fm_session=$cookie" });
$r = $http->get("$base/mail/compose?s=$salt", \%h);
note($r);
done(why('compose', $r)) unless $r->{success};
my ($csrf) = $r->{content} =~ /name="csrf" value="([0-9a-f]+)"/ or done('compose: the page has no form token');
$r = $http->post_form("$base/mail/send", { s => $salt, csrf => $csrf, to => $to, subject => $subject, body => $body }, \%h);
note($r);
my $id = $r->{headers}{'x-racklab-message-id'};
my $sent = $r->{status} == 303 && ($r->{headers}{location} // '') =~ /[?&]sent=1/;
$http->post_form("$base/mail/logout", { s => $salt, csrf => $csrf }, \%h);
done(why('send', $r)) unless $sent;
done('send: the webmail said sent but gave no X-Racklab-Message-Id (a web image older than this engine?)') unless $id;
$out{sent} = JSON::PP::true;
$out{messageId} = $id;
done();
`

export interface WebmailSend {
  /** true when the webmail answered the send with its 303 to the inbox and the Message-ID */
  sent: boolean
  messageId?: string
  /** the frontend and web server that answered the last request */
  frontend?: string
  backend?: string
  /** what went wrong, at which step (login, compose, send) */
  error?: string
}

export interface WebmailMessage {
  domain: string
  user: string
  password: string
  to: string
  subject: string
  body: string
}

/** one message through the webmail from `from` (the edge); throws only when the script printed nothing usable */
export async function sendViaWebmail(exec: Exec, from: string, m: WebmailMessage): Promise<WebmailSend> {
  const r = await exec(from, ['perl', '-e', SEND, m.domain, m.user, m.password, m.to, m.subject, m.body], 90_000)
  const line = r.stdout.trim().split('\n').at(-1) ?? ''
  try {
    return JSON.parse(line) as WebmailSend
  } catch {
    throw new Error(`the webmail send on ${from} printed no result (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(-200)}`)
  }
}
