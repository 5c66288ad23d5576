OPTIONS sip:${daddr}:${dport} SIP/2.0
Via: SIP/2.0/UDP ${saddr}:${sport};branch=z9hG4bK${RAND_ALPHANUM=16};rport
Max-Forwards: 70
To: <sip:${daddr}:${dport}>
From: <sip:zscan@${saddr}>;tag=${RAND_ALPHANUM=8}
Call-ID: ${RAND_ALPHANUM=20}@${saddr}
CSeq: 1 OPTIONS
Contact: <sip:zscan@${saddr}:${sport}>
Accept: application/sdp
Content-Length: 0

