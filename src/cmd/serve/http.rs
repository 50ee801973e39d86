//! The few pieces of HTTP `serve` needs, over `std::net`: a bounded request-head reader, the
//! `Host` guard, responses, and the percent-encoding that keeps every `Location` on this server.

use std::io::{BufRead, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};

/// Request line limit (longer: 414), header block limit and header count (more: 431).
const MAX_REQUEST_LINE: usize = 8 * 1024;
const MAX_HEADERS: usize = 16 * 1024;
const MAX_HEADER_COUNT: usize = 100;

/// A parsed request head.
pub(super) struct Request {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
    /// The `Host` header, if any.
    pub host: Option<String>,
}

/// Why a request head was refused: the status code and a one-line reason.
type Refusal = (u16, &'static str);

/// Reads one line of at most `limit` bytes (without its CRLF); `Ok(None)` when the line is longer.
fn read_line(r: &mut impl BufRead, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    r.take(limit as u64 + 2).read_until(b'\n', &mut line)?;
    if !line.ends_with(b"\n") {
        if line.len() > limit {
            return Ok(None);
        }
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    line.pop();
    if line.ends_with(b"\r") {
        line.pop();
    }
    Ok(Some(line))
}

/// Reads one request head, refusing (with the status to answer) lines and headers over the limits.
pub(super) fn read_request(r: &mut impl BufRead) -> std::io::Result<Result<Request, Refusal>> {
    let Some(line) = read_line(r, MAX_REQUEST_LINE)? else {
        return Ok(Err((414, "request line too long")));
    };
    let mut headers = Vec::new();
    let mut size = 0;
    loop {
        let Some(h) = read_line(r, MAX_HEADERS)? else {
            return Ok(Err((431, "header too large")));
        };
        if h.is_empty() {
            break;
        }
        size += h.len();
        headers.push(h);
        if size > MAX_HEADERS || headers.len() > MAX_HEADER_COUNT {
            return Ok(Err((431, "headers too large")));
        }
    }
    let Ok(line) = String::from_utf8(line) else {
        return Ok(Err((400, "bad request line")));
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(Err((400, "bad request line")));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() {
        return Ok(Err((400, "bad request line")));
    }
    let host = headers.iter().find_map(|h| {
        let h = std::str::from_utf8(h).ok()?;
        let (k, v) = h.split_once(':')?;
        k.eq_ignore_ascii_case("host").then(|| v.trim().to_string())
    });
    Ok(Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    }))
}

/// True when `host` (a `Host` header) names this server: `localhost` or the bound address, with
/// the bound port or none. A name that merely resolves here (DNS rebinding) is refused.
pub(super) fn host_ok(host: &str, bound: SocketAddr) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, "")) => (ip, None),
            Some((ip, p)) => match p.strip_prefix(':') {
                Some(p) => (ip, Some(p)),
                None => return false,
            },
            None => return false,
        }
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if port.is_some_and(|p| p.parse::<u16>() != Ok(bound.port())) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip == bound.ip() || bound.ip().is_unspecified(),
        Err(_) => false,
    }
}

/// One response; every connection carries one request and is then closed.
pub(super) struct Response {
    /// Status code.
    pub code: u16,
    /// `Content-Type`.
    pub ctype: &'static str,
    /// The body (not sent for HEAD).
    pub body: Vec<u8>,
    /// Headers besides the ones every response carries.
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    /// A response with this status, type and body.
    pub(super) fn new(code: u16, ctype: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            code,
            ctype,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// A one-line plain-text response.
    pub(super) fn text(code: u16, body: &str) -> Self {
        Response::new(code, "text/plain; charset=utf-8", format!("{body}\n"))
    }

    /// Writes the response and closes the exchange (errors are ignored: the client went away).
    pub(super) fn send(self, stream: &mut TcpStream, head_only: bool) {
        let reason = match self.code {
            200 => "OK",
            301 => "Moved Permanently",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            414 => "URI Too Long",
            431 => "Request Header Fields Too Large",
            _ => "Internal Server Error",
        };
        let mut head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
            self.code,
            self.ctype,
            self.body.len()
        );
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let _ = stream.write_all(head.as_bytes());
        if !head_only {
            let _ = stream.write_all(&self.body);
        }
        let _ = stream.flush();
    }
}

/// The `Content-Type` for an output file, by its extension.
pub(super) fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.').map_or("", |(_, e)| e) {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for malformed escapes or non-UTF-8 results.
pub(super) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes one path segment: everything but unreserved characters and sub-delimiters,
/// so `/`, `?`, `#`, `%`, spaces, controls and non-ASCII bytes are all escaped.
pub(super) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Keeps a query as sent, escaping only what could not appear in a header or a URL.
pub(super) fn encode_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for b in q.bytes() {
        if b.is_ascii_graphic() && b != b'#' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_guard() {
        let bound: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST", "127.0.0.1"] {
            assert!(host_ok(ok, bound), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "127.0.0.1:2222",
            "127.0.0.2:1111",
            "",
            "localhost.evil.example",
            "[::1]:1111",
            "127.0.0.1:1111:1",
        ] {
            assert!(!host_ok(bad, bound), "{bad}");
        }
        let v6: SocketAddr = "[::1]:8000".parse().unwrap();
        assert!(host_ok("[::1]:8000", v6) && !host_ok("[::1]x", v6));
        let any: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        assert!(host_ok("192.168.1.5:8000", any) && !host_ok("evil.example:8000", any));
    }

    #[test]
    fn location_is_encoded() {
        assert_eq!(
            percent_encode("a\r\nSet-Cookie: x"),
            "a%0D%0ASet-Cookie:%20x"
        );
        assert_eq!(percent_encode("回复"), "%E5%9B%9E%E5%A4%8D");
        assert_eq!(percent_encode("a/b"), "a%2Fb");
        assert_eq!(encode_query("x=1 2\r"), "x=1%202%0D");
    }
}
