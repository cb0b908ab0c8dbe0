"""Every interface: the server, REST and OpenAI-compatible APIs, MCP, the Gradio UI, the widget,
security, feedback, the remote client and worker processes."""
