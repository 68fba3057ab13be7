"""The request class: closes every uploaded file it opened, even from a broken upload."""

from __future__ import annotations

from typing import IO, Any

from flask import Request


class ClosingRequest(Request):
    """A request that closes the temporary files of its uploads when it ends.

    Werkzeug leaves the file of a part it was still reading open when a multipart body breaks
    off (a client that disconnects, or a malformed body); it is freed only by the garbage
    collector. Here every such file is remembered and closed with the request.
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        stream = super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )
        self.__dict__.setdefault("_upload_streams", []).append(stream)
        return stream

    def close(self) -> None:
        """Close the request's files, those of broken uploads too."""
        try:
            super().close()
        finally:
            streams: list[Any] = self.__dict__.pop("_upload_streams", [])
            for stream in streams:
                stream.close()
