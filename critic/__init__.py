"""outreach-critic: tells the writer of an outreach email where it imposes, fakes rapport or forgets the reader."""
